import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { KinesisClient } from '@aws-sdk/client-kinesis';
import { SQSClient } from '@aws-sdk/client-sqs';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { provision, type LocalResources } from '../../infra/local/provision';
import { readTopology, synthesizeApp } from '../../infra/local/topology';
import { OCCUPANCY_LOGICAL_ID } from '../../infra/cdk/seat-ledger';

/**
 * Creates the stack's resources on the running emulators from the synthesized
 * template (bundling skipped), as the local cloud does. Call after useEmulators().
 */
export async function provisionFromTemplate(): Promise<{ resources: LocalResources; ledgerTable: string; occupancyTable: string }> {
  const topology = readTopology(synthesizeApp({ bundle: false }));
  const resources = await provision(topology, {
    dynamodb: new DynamoDBClient({}),
    kinesis: new KinesisClient({ requestHandler: new NodeHttpHandler() }),
    sqs: new SQSClient({ useQueueUrlAsEndpoint: false }),
  });
  const ledger = topology.tables.find((t) => t.logicalId.startsWith('SeatLedgerTable'));
  if (!ledger) throw new Error('the template has no SeatLedgerTable');
  return { resources, ledgerTable: resources.tableName(ledger.logicalId), occupancyTable: resources.tableName(OCCUPANCY_LOGICAL_ID) };
}

export async function provisionLedgerTable(): Promise<string> {
  return (await provisionFromTemplate()).ledgerTable;
}
