import { ledgerKeys } from '../../lib/ledger/ledger-keys';
import type { SeatSegments } from '../../lib/ledger/occupancy';
import { fingerprint, type PublishServiceRequest, seatLayout, toService } from '../../lib/timetable/service';

/** Items as the seat-ledger table holds them, for handler tests that mock DynamoDB. */
export function serviceItem(request: PublishServiceRequest, status: 'OPEN' | 'PUBLISHING' = 'OPEN') {
  const service = toService(request);
  return { ...ledgerKeys.service(service.serviceId), ...ledgerKeys.serviceByDate(service.date, service.trainNo), ...service, fingerprint: fingerprint(request), status };
}

/** The seat items of one coach; `taken` maps a seat ("01A") to its segment claims. */
export function coachSeatItems(request: PublishServiceRequest, coach: string, taken: Record<string, SeatSegments> = {}) {
  const serviceId = toService(request).serviceId;
  return seatLayout(request)
    .filter((s) => s.coach === coach)
    .map((s) => ({ ...ledgerKeys.seat(serviceId, s.coach, s.seat), segs: taken[s.seat] ?? {} }));
}
