import { StreamViewType, type Table } from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';
import { statefulTable } from './stateful-table';

export interface SeatLedgerProps {
  /** A throwaway (dev) stack: the table may be deleted with it. */
  readonly ephemeral: boolean;
}

export const SEAT_LEDGER_LOGICAL_ID = 'SeatLedgerTable';
export const OCCUPANCY_LOGICAL_ID = 'OccupancyTable';
export const BY_DATE_INDEX = 'byDate';

/**
 * The seat ledger: one item per seat (segment occupancy inside it), hold records
 * and the published timetable, all in one table so a hold is one transaction.
 * Its stream (keys only) feeds the occupancy table: a snapshot of the seats, one
 * small item per coach, which search and seat picks read instead of every seat.
 */
export class SeatLedger extends Construct {
  readonly table: Table;
  readonly occupancy: Table;

  constructor(scope: Construct, id: string, props: SeatLedgerProps) {
    super(scope, id);
    this.table = statefulTable(this, 'Table', {
      logicalId: SEAT_LEDGER_LOGICAL_ID,
      ephemeral: props.ephemeral,
      stream: StreamViewType.KEYS_ONLY,
      indexes: [{ name: BY_DATE_INDEX, partitionKey: 'gsi1pk', sortKey: 'gsi1sk' }],
    });
    this.occupancy = statefulTable(this, 'Occupancy', {
      logicalId: OCCUPANCY_LOGICAL_ID,
      ephemeral: props.ephemeral,
    });
  }
}
