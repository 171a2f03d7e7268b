import type { Timetable } from '../timetable/timetable';
import type { SeatClass } from '../timetable/service';
import type { HoldPreferences, HoldRecord } from './hold';
import type { ReleaseResult, SeatLedger } from './seat-ledger';

export interface HoldInput {
  holdId: string;
  serviceId: string;
  from: string;
  to: string;
  seatClass: SeatClass;
  count: number;
  ttlSeconds: number;
  preferences?: HoldPreferences;
}

/** The inventory's use cases: hold seats for a ride, confirm a hold (sold), release it. */
export class Inventory {
  constructor(
    private readonly timetable: Timetable,
    private readonly ledger: SeatLedger,
  ) {}

  /** Resolves the ride on the service (unknown service → not found; unknown station or class → invalid) and holds seats. */
  async hold(input: HoldInput): Promise<HoldRecord> {
    const service = await this.timetable.service(input.serviceId);
    const ride = this.timetable.ride(service, input.from, input.to);
    this.timetable.requireClass(service, input.seatClass);
    return this.ledger.hold(service, { ...input, ...ride });
  }

  confirm(holdId: string): Promise<HoldRecord> {
    return this.ledger.confirm(holdId);
  }

  release(holdId: string): Promise<ReleaseResult> {
    return this.ledger.release(holdId);
  }
}
