import type { Timetable } from '../timetable/timetable';
import type { SeatClass } from '../timetable/service';
import { SoldOutError } from './errors';
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

  /**
   * Resolves the ride on the service (unknown service → not found; unknown station or
   * class → invalid) and holds seats. A retried hold id answers the hold it made, even
   * when its seats were the last ones.
   */
  async hold(input: HoldInput): Promise<HoldRecord> {
    const service = await this.timetable.service(input.serviceId);
    const ride = this.timetable.ride(service, input.from, input.to);
    this.timetable.requireClass(service, input.seatClass);
    const request = { ...input, ...ride };
    try {
      return await this.ledger.hold(service, request);
    } catch (error) {
      if (!(error instanceof SoldOutError)) throw error;
      const made = await this.ledger.madeBefore(request);
      if (made) return made;
      throw error;
    }
  }

  confirm(holdId: string): Promise<HoldRecord> {
    return this.ledger.confirm(holdId);
  }

  release(holdId: string): Promise<ReleaseResult> {
    return this.ledger.release(holdId);
  }
}
