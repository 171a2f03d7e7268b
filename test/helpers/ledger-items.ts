import { ledgerKeys } from '../../lib/ledger/ledger-keys';
import type { SeatSegments } from '../../lib/ledger/occupancy';
import { fingerprint, type PublishServiceRequest, seatLayout, toService } from '../../lib/timetable/service';

/** Items as the seat-ledger table holds them, for handler tests that mock DynamoDB. */
export function serviceItem(request: PublishServiceRequest) {
  const service = toService(request);
  return { ...ledgerKeys.service(service.serviceId), ...ledgerKeys.serviceByDate(service.date, service.trainNo), ...service, fingerprint: fingerprint(request), status: 'OPEN' };
}

/**
 * The seat items of one coach: only seats ever held have one, each segment claim an
 * attribute of its own. `taken` maps a seat ("01A") to its segment claims.
 */
export function coachSeatItems(request: PublishServiceRequest, coach: string, taken: Record<string, SeatSegments> = {}) {
  const serviceId = toService(request).serviceId;
  return seatLayout(request)
    .filter((s) => s.coach === coach && taken[s.seat] !== undefined)
    .map((s) => ({ ...ledgerKeys.seat(serviceId, s.coach, s.seat), ...taken[s.seat] }));
}
