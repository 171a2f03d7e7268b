import { StreamViewType, type Table } from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';
import { INDEXES } from './resource-access';
import { statefulTable } from './stateful-table';

export interface OrdersTableProps {
  /** A throwaway (dev) stack: the table may be deleted with it. */
  readonly ephemeral: boolean;
}

export const ORDERS_TABLE_LOGICAL_ID = 'OrdersTable';

/**
 * Orders and their idempotency records. Its stream (new and old images) is the
 * order outbox: a relay publishes every order state change to Kinesis, so no
 * function ever writes to the table and the stream in two steps.
 */
export class OrdersTable extends Construct {
  readonly table: Table;

  constructor(scope: Construct, id: string, props: OrdersTableProps) {
    super(scope, id);
    this.table = statefulTable(this, 'Table', {
      logicalId: ORDERS_TABLE_LOGICAL_ID,
      ephemeral: props.ephemeral,
      stream: StreamViewType.NEW_AND_OLD_IMAGES,
      indexes: [
        // Sparse: orders with a deadline only (RESERVED, WAITLISTED, WAITING), by it, sharded; what the expiry sweeper reads.
        { name: INDEXES.ordersOverdue, partitionKey: 'overduePk', sortKey: 'overdueSk' },
        // Sparse: PAID orders only, by when they were paid; what the ticket reconciler reads.
        { name: INDEXES.ordersPaid, partitionKey: 'paidPk', sortKey: 'paidSk' },
        // Sparse: WAITING orders only, per service and class, by when they were prepaid; the waitlist fulfiller's queue.
        { name: INDEXES.ordersWaiting, partitionKey: 'waitingPk', sortKey: 'waitingSk' },
      ],
    });
  }
}
