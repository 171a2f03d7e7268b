import { RemovalPolicy } from 'aws-cdk-lib';
import { AttributeType, BillingMode, CfnTable, ProjectionType, type StreamViewType, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import type { Construct } from 'constructs';
import { DataKeys } from './data-keys';
import { TTL_ATTRIBUTE } from '../../lib/lifecycle/ttl';

export interface StatefulTableProps {
  /** Fixed, so a refactor of the construct tree can never replace a retained table. */
  readonly logicalId: string;
  /** A throwaway (dev) stack: the table may be deleted with it. */
  readonly ephemeral: boolean;
  readonly stream?: StreamViewType;
  /** Global secondary indexes on string keys, projecting every attribute. */
  readonly indexes?: readonly { name: string; partitionKey: string; sortKey: string }[];
}

/**
 * A table as every table here is kept: `pk`/`sk` strings, billed per request,
 * point-in-time recovery on, encrypted with the stack's customer-managed key,
 * items expiring by their `ttl` attribute (epoch seconds, lib/lifecycle/ttl.ts;
 * an item without one never expires), and
 * retained with deletion protection unless the stage is ephemeral.
 */
export function statefulTable(scope: Construct, id: string, props: StatefulTableProps): Table {
  const table = new Table(scope, id, {
    partitionKey: { name: 'pk', type: AttributeType.STRING },
    sortKey: { name: 'sk', type: AttributeType.STRING },
    billingMode: BillingMode.PAY_PER_REQUEST,
    encryption: TableEncryption.CUSTOMER_MANAGED,
    encryptionKey: DataKeys.of(scope).atRest,
    ...(props.stream ? { stream: props.stream } : {}),
    pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
    timeToLiveAttribute: TTL_ATTRIBUTE,
    deletionProtection: !props.ephemeral,
    removalPolicy: props.ephemeral ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN,
  });
  for (const index of props.indexes ?? []) {
    table.addGlobalSecondaryIndex({
      indexName: index.name,
      partitionKey: { name: index.partitionKey, type: AttributeType.STRING },
      sortKey: { name: index.sortKey, type: AttributeType.STRING },
      projectionType: ProjectionType.ALL,
    });
  }
  (table.node.defaultChild as CfnTable).overrideLogicalId(props.logicalId);
  return table;
}
