/**
 * Every key of the seat-ledger table is built here and nowhere else.
 *
 * | item     | pk                        | sk            | byDate index            |
 * |----------|---------------------------|---------------|-------------------------|
 * | service  | SVC#<serviceId>           | SERVICE       | DATE#<date> / <trainNo> |
 * | seat     | SVC#<serviceId>#<coach>   | SEAT#<seat>   |                         |
 * | hold     | HOLD#<holdId>             | HOLD          |                         |
 * | claim    | CLAIM#<serviceId>#<id no> | CLAIM         |                         |
 *
 * One partition per coach spreads a popular train's writes over many partitions.
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
  /** One active ticket or hold per passenger ID per service. */
  passengerClaim: (serviceId: string, idNumber: string): ItemKey => ({ pk: `CLAIM#${serviceId}#${idNumber}`, sk: 'CLAIM' }),
  /** The service and coach a seat item's partition key names, or undefined for any other item. */
  seatPartitionOf: (key: { pk?: unknown; sk?: unknown }): { serviceId: string; coach: string } | undefined => {
    if (typeof key.pk !== 'string' || typeof key.sk !== 'string' || !key.sk.startsWith('SEAT#')) return undefined;
    const match = /^SVC#(.+)#([^#]+)$/.exec(key.pk);
    return match ? { serviceId: match[1] as string, coach: match[2] as string } : undefined;
  },
} as const;

/**
 * The occupancy table: a snapshot of the seat ledger, one item per coach under one
 * partition per service, so a whole train is read with one Query of a few KB.
 *
 * | item  | pk                | sk             |
 * |-------|-------------------|----------------|
 * | coach | OCC#<serviceId>   | COACH#<coach>  |
 */
export const occupancyKeys = {
  servicePartition: (serviceId: string): string => `OCC#${serviceId}`,
  coach: (serviceId: string, coach: string): ItemKey => ({ pk: `OCC#${serviceId}`, sk: `COACH#${coach}` }),
  coachPrefix: 'COACH#',
} as const;

export const BY_DATE_INDEX = 'byDate';
