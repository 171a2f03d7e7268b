/**
 * Every key of the seat-ledger table is built here and nowhere else.
 *
 * | item     | pk                        | sk            | byDate index            |
 * |----------|---------------------------|---------------|-------------------------|
 * | service  | SVC#<serviceId>           | SERVICE       | DATE#<date> / <trainNo> |
 * | seat     | SVC#<serviceId>#<coach>   | SEAT#<seat>   |                         |
 * | hold     | HOLD#<holdId>             | HOLD          |                         |
 * | claim    | CLAIM#<serviceId>#<idHash>| CLAIM         |                         |
 *
 * One partition per coach spreads a popular train's writes over many partitions.
 * A claim's key holds a keyed hash of the passenger's ID number (passenger-claims.ts), never the number.
 */
export interface ItemKey {
  pk: string;
  sk: string;
}

export const ledgerKeys = {
  service: (serviceId: string): ItemKey => ({ pk: `SVC#${serviceId}`, sk: 'SERVICE' }),
  serviceByDate: (date: string, trainNo: string) => ({ gsi1pk: `DATE#${date}`, gsi1sk: trainNo }),
  datePartition: (date: string): string => `DATE#${date}`,
  coachPartition: (serviceId: string, coach: string): string => `SVC#${serviceId}#${coach}`,
  seat: (serviceId: string, coach: string, seat: string): ItemKey => ({ pk: `SVC#${serviceId}#${coach}`, sk: `SEAT#${seat}` }),
  seatPrefix: 'SEAT#',
  hold: (holdId: string): ItemKey => ({ pk: `HOLD#${holdId}`, sk: 'HOLD' }),
  /** One active ticket or hold per passenger ID per service; `idHash` is HMAC-SHA256 of the ID number, hex. */
  passengerClaim: (serviceId: string, idHash: string): ItemKey => ({ pk: `CLAIM#${serviceId}#${idHash}`, sk: 'CLAIM' }),
} as const;

export const BY_DATE_INDEX = 'byDate';
