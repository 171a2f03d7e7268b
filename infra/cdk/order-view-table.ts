import type { Table } from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';
import { statefulTable } from './stateful-table';

export interface OrderViewTableProps {
  /** A throwaway (dev) stack: the table may be deleted with it. */
  readonly ephemeral: boolean;
}

export const ORDER_VIEW_TABLE_LOGICAL_ID = 'OrderViewTable';

/** The order read model (CQRS): what travellers read, projected from order events; it can be rebuilt from the stream. */
export class OrderViewTable extends Construct {
  readonly table: Table;

  constructor(scope: Construct, id: string, props: OrderViewTableProps) {
    super(scope, id);
    this.table = statefulTable(this, 'Table', {
      logicalId: ORDER_VIEW_TABLE_LOGICAL_ID,
      ephemeral: props.ephemeral,
      indexes: [{ name: 'byUser', partitionKey: 'gsi1pk', sortKey: 'gsi1sk' }],
    });
  }
}
