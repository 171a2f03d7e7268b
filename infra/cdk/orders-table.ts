import { RemovalPolicy } from 'aws-cdk-lib';
import { AttributeType, BillingMode, CfnTable, ProjectionType, StreamViewType, Table } from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';

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
    this.table = new Table(this, 'Table', {
      partitionKey: { name: 'pk', type: AttributeType.STRING },
      sortKey: { name: 'sk', type: AttributeType.STRING },
      billingMode: BillingMode.PAY_PER_REQUEST,
      stream: StreamViewType.NEW_AND_OLD_IMAGES,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: !props.ephemeral,
      removalPolicy: props.ephemeral ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN,
    });
    // Sparse: RESERVED orders only, by expiry, sharded; what the expiry sweeper reads.
    this.table.addGlobalSecondaryIndex({
      indexName: 'overdue',
      partitionKey: { name: 'overduePk', type: AttributeType.STRING },
      sortKey: { name: 'overdueSk', type: AttributeType.STRING },
      projectionType: ProjectionType.ALL,
    });
    (this.table.node.defaultChild as CfnTable).overrideLogicalId(ORDERS_TABLE_LOGICAL_ID);
  }
}
