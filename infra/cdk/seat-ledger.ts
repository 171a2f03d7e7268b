import { RemovalPolicy } from 'aws-cdk-lib';
import { AttributeType, BillingMode, CfnTable, ProjectionType, Table } from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';

export interface SeatLedgerProps {
  /** A throwaway (dev) stack: the table may be deleted with it. */
  readonly ephemeral: boolean;
}

/** The logical id never changes, so a refactor of the construct tree cannot replace the retained table. */
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
    this.table = new Table(this, 'Table', {
      partitionKey: { name: 'pk', type: AttributeType.STRING },
      sortKey: { name: 'sk', type: AttributeType.STRING },
      billingMode: BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: !props.ephemeral,
      removalPolicy: props.ephemeral ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN,
    });
    this.table.addGlobalSecondaryIndex({
      indexName: BY_DATE_INDEX,
      partitionKey: { name: 'gsi1pk', type: AttributeType.STRING },
      sortKey: { name: 'gsi1sk', type: AttributeType.STRING },
      projectionType: ProjectionType.ALL,
    });
    (this.table.node.defaultChild as CfnTable).overrideLogicalId(SEAT_LEDGER_LOGICAL_ID);
  }
}
