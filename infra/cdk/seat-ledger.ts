import type { Table } from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';
import { statefulTable } from './stateful-table';

export interface SeatLedgerProps {
  /** A throwaway (dev) stack: the table may be deleted with it. */
  readonly ephemeral: boolean;
}

export const SEAT_LEDGER_LOGICAL_ID = 'SeatLedgerTable';
export const BY_DATE_INDEX = 'byDate';

/**
 * The seat ledger: one item per seat (segment occupancy inside it), hold records
 * and the published timetable, all in one table so a hold is one transaction.
 */
export class SeatLedger extends Construct {
  readonly table: Table;

  constructor(scope: Construct, id: string, props: SeatLedgerProps) {
    super(scope, id);
    this.table = statefulTable(this, 'Table', {
      logicalId: SEAT_LEDGER_LOGICAL_ID,
      ephemeral: props.ephemeral,
      indexes: [{ name: BY_DATE_INDEX, partitionKey: 'gsi1pk', sortKey: 'gsi1sk' }],
    });
  }
}
