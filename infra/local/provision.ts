import {
  CreateTableCommand,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  UpdateTableCommand,
  UpdateTimeToLiveCommand,
  type DynamoDBClient,
  type TableDescription,
} from '@aws-sdk/client-dynamodb';
import { CreateStreamCommand, DescribeStreamSummaryCommand, type KinesisClient } from '@aws-sdk/client-kinesis';
import { CreateQueueCommand, GetQueueAttributesCommand, GetQueueUrlCommand, SetQueueAttributesCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { FunctionSpec, LocalTopology, QueueSpec, SecondaryIndexSpec, StreamSpec, TableSpec } from './topology';

/**
 * Creates the topology's tables, streams and queues on the local emulators and
 * resolves the template's intrinsics against them. Only what the emulators
 * support is created: point-in-time recovery, deletion protection, encryption,
 * tags and billing settings are CloudFormation's business and are dropped.
 */

export interface LocalResources {
  tableName(logicalId: string): string;
  streamName(logicalId: string): string;
  queueUrl(logicalId: string): string;
  /**
   * A template value as the local cloud sees it: literals as text; Ref and
   * Fn::GetAtt (Arn, StreamArn, QueueUrl, QueueName) of the provisioned tables,
   * streams and queues; the pseudo parameters; Fn::Join and Fn::Sub over those.
   */
  resolve(value: unknown): string;
}

export interface ProvisionClients {
  dynamodb: DynamoDBClient;
  kinesis: KinesisClient;
  sqs: SQSClient;
}

export interface ProvisionOptions {
  /** @default 100 */
  pollIntervalMs?: number;
  /** How long a table or stream may take to become ACTIVE. @default 30 000 */
  activeTimeoutMs?: number;
}

export class ProvisioningError extends Error {
  override readonly name = 'ProvisioningError';
}

export const LOCAL_REGION = 'us-east-1';
export const LOCAL_ACCOUNT_ID = '000000000000';

const PSEUDO_PARAMETERS: Record<string, string> = {
  'AWS::Region': LOCAL_REGION,
  'AWS::AccountId': LOCAL_ACCOUNT_ID,
  'AWS::Partition': 'aws',
  'AWS::URLSuffix': 'amazonaws.com',
};

interface ProvisionedTable {
  name: string;
  arn: string;
  streamArn?: string;
}

interface ProvisionedStream {
  name: string;
  arn: string;
}

interface ProvisionedQueue {
  name: string;
  url: string;
  arn: string;
}

/**
 * Creates whatever is missing and keeps what exists (a DATA_DIR from an earlier
 * run): an existing table gains the indexes, stream and TTL the template added
 * since; an existing queue takes the template's attributes. Tables and streams
 * are ACTIVE when this resolves, and every dead-letter queue exists before the
 * queues that redrive to it. ARNs are the ones the emulators report, so they work
 * in calls to them.
 */
export async function provision(topology: LocalTopology, clients: ProvisionClients, options: ProvisionOptions = {}): Promise<LocalResources> {
  const waits = { intervalMs: options.pollIntervalMs ?? 100, timeoutMs: options.activeTimeoutMs ?? 30_000 };
  const [tables, streams, queues] = await Promise.all([
    Promise.all(topology.tables.map(async (spec) => [spec.logicalId, await provisionTable(spec, clients.dynamodb, waits)] as const)),
    Promise.all(topology.streams.map(async (spec) => [spec.logicalId, await provisionStream(spec, clients.kinesis, waits)] as const)),
    provisionQueues(topology.queues, clients.sqs),
  ]);
  return new ProvisionedResources(new Map(tables), new Map(streams), queues);
}

/** The function's environment variables with every intrinsic resolved against the local resources. */
export function functionEnvironment(fn: FunctionSpec, resources: LocalResources): Record<string, string> {
  const environment: Record<string, string> = {};
  for (const [name, value] of Object.entries(fn.environment)) {
    try {
      environment[name] = resources.resolve(value);
    } catch (error) {
      throw new ProvisioningError(`${fn.logicalId}: environment variable ${name}: ${(error as Error).message}`, { cause: error });
    }
  }
  return environment;
}

// ---- tables ----------------------------------------------------------------------

interface Waits {
  intervalMs: number;
  timeoutMs: number;
}

async function provisionTable(spec: TableSpec, dynamodb: DynamoDBClient, waits: Waits): Promise<ProvisionedTable> {
  try {
    await dynamodb.send(
      new CreateTableCommand({
        TableName: spec.tableName,
        BillingMode: 'PAY_PER_REQUEST',
        KeySchema: keySchema(spec.keySchema),
        AttributeDefinitions: spec.attributeDefinitions.map((d) => ({ AttributeName: d.attributeName, AttributeType: d.attributeType })),
        GlobalSecondaryIndexes: spec.globalSecondaryIndexes.length > 0 ? spec.globalSecondaryIndexes.map(secondaryIndex) : undefined,
        LocalSecondaryIndexes: spec.localSecondaryIndexes.length > 0 ? spec.localSecondaryIndexes.map(secondaryIndex) : undefined,
        StreamSpecification: spec.streamViewType ? { StreamEnabled: true, StreamViewType: spec.streamViewType } : undefined,
      }),
    );
  } catch (error) {
    if (!isNamed(error, 'ResourceInUseException')) throw error;
  }
  let table = await waitForTable(spec.tableName, dynamodb, waits);
  if (await addMissingTableFeatures(spec, table, dynamodb)) table = await waitForTable(spec.tableName, dynamodb, waits);
  await enableTimeToLive(spec, dynamodb);
  return {
    name: spec.tableName,
    arn: table.TableArn ?? `arn:aws:dynamodb:${LOCAL_REGION}:${LOCAL_ACCOUNT_ID}:table/${spec.tableName}`,
    ...(table.LatestStreamArn ? { streamArn: table.LatestStreamArn } : {}),
  };
}

function keySchema(elements: TableSpec['keySchema']) {
  return elements.map((e) => ({ AttributeName: e.attributeName, KeyType: e.keyType }));
}

function secondaryIndex(index: SecondaryIndexSpec) {
  return {
    IndexName: index.indexName,
    KeySchema: keySchema(index.keySchema),
    Projection: { ProjectionType: index.projection.projectionType, NonKeyAttributes: index.projection.nonKeyAttributes },
  };
}

/** A table kept from an earlier run gets the stream and global indexes the template has added since, one update at a time. */
async function addMissingTableFeatures(spec: TableSpec, table: TableDescription, dynamodb: DynamoDBClient): Promise<boolean> {
  let updated = false;
  if (spec.streamViewType && table.StreamSpecification?.StreamEnabled !== true) {
    await dynamodb.send(
      new UpdateTableCommand({ TableName: spec.tableName, StreamSpecification: { StreamEnabled: true, StreamViewType: spec.streamViewType } }),
    );
    updated = true;
  }
  const existing = new Set((table.GlobalSecondaryIndexes ?? []).map((index) => index.IndexName));
  for (const index of spec.globalSecondaryIndexes.filter((candidate) => !existing.has(candidate.indexName))) {
    await dynamodb.send(
      new UpdateTableCommand({
        TableName: spec.tableName,
        AttributeDefinitions: spec.attributeDefinitions.map((d) => ({ AttributeName: d.attributeName, AttributeType: d.attributeType })),
        GlobalSecondaryIndexUpdates: [{ Create: secondaryIndex(index) }],
      }),
    );
    updated = true;
  }
  return updated;
}

async function enableTimeToLive(spec: TableSpec, dynamodb: DynamoDBClient): Promise<void> {
  if (!spec.timeToLiveAttribute) return;
  const current = await dynamodb.send(new DescribeTimeToLiveCommand({ TableName: spec.tableName }));
  const status = current.TimeToLiveDescription?.TimeToLiveStatus;
  if ((status === 'ENABLED' || status === 'ENABLING') && current.TimeToLiveDescription?.AttributeName === spec.timeToLiveAttribute) return;
  await dynamodb.send(
    new UpdateTimeToLiveCommand({ TableName: spec.tableName, TimeToLiveSpecification: { AttributeName: spec.timeToLiveAttribute, Enabled: true } }),
  );
}

async function waitForTable(tableName: string, dynamodb: DynamoDBClient, waits: Waits): Promise<TableDescription> {
  return waitUntil(`table ${tableName}`, waits, async () => {
    const { Table: table } = await dynamodb.send(new DescribeTableCommand({ TableName: tableName }));
    const indexesActive = (table?.GlobalSecondaryIndexes ?? []).every((index) => index.IndexStatus === undefined || index.IndexStatus === 'ACTIVE');
    return table?.TableStatus === 'ACTIVE' && indexesActive ? table : undefined;
  });
}

// ---- streams ---------------------------------------------------------------------

async function provisionStream(spec: StreamSpec, kinesis: KinesisClient, waits: Waits): Promise<ProvisionedStream> {
  try {
    await kinesis.send(new CreateStreamCommand({ StreamName: spec.name, ShardCount: spec.shardCount }));
  } catch (error) {
    if (!isNamed(error, 'ResourceInUseException')) throw error;
  }
  const summary = await waitUntil(`stream ${spec.name}`, waits, async () => {
    const { StreamDescriptionSummary: description } = await kinesis.send(new DescribeStreamSummaryCommand({ StreamName: spec.name }));
    return description?.StreamStatus === 'ACTIVE' ? description : undefined;
  });
  return { name: spec.name, arn: summary.StreamARN ?? `arn:aws:kinesis:${LOCAL_REGION}:${LOCAL_ACCOUNT_ID}:stream/${spec.name}` };
}

// ---- queues ----------------------------------------------------------------------

/** Each queue waits for its dead-letter queue (it needs that ARN); independent queues are created together. */
async function provisionQueues(specs: QueueSpec[], sqs: SQSClient): Promise<Map<string, ProvisionedQueue>> {
  const byId = new Map(specs.map((spec) => [spec.logicalId, spec]));
  const pending = new Map<string, Promise<ProvisionedQueue>>();
  const ensure = (logicalId: string, chain: string[]): Promise<ProvisionedQueue> => {
    if (chain.includes(logicalId)) throw new ProvisioningError(`queues redrive in a cycle: ${[...chain, logicalId].join(' → ')}`);
    const known = pending.get(logicalId);
    if (known) return known;
    const spec = byId.get(logicalId);
    if (!spec) throw new ProvisioningError(`${chain.at(-1)}: its dead-letter queue ${logicalId} is not in the topology`);
    const created = (async () => {
      const deadLetters = spec.redrive ? await ensure(spec.redrive.deadLetterQueueLogicalId, [...chain, logicalId]) : undefined;
      return provisionQueue(spec, deadLetters, sqs);
    })();
    pending.set(logicalId, created);
    return created;
  };
  const queues = await Promise.all(specs.map(async (spec) => [spec.logicalId, await ensure(spec.logicalId, [])] as const));
  return new Map(queues);
}

async function provisionQueue(spec: QueueSpec, deadLetters: ProvisionedQueue | undefined, sqs: SQSClient): Promise<ProvisionedQueue> {
  const attributes: Record<string, string> = {
    VisibilityTimeout: String(spec.visibilityTimeout),
    MessageRetentionPeriod: String(spec.messageRetentionPeriod),
  };
  if (spec.fifo) attributes.ContentBasedDeduplication = String(spec.contentBasedDeduplication);
  if (spec.redrive && deadLetters) {
    attributes.RedrivePolicy = JSON.stringify({ deadLetterTargetArn: deadLetters.arn, maxReceiveCount: spec.redrive.maxReceiveCount });
  }
  let url: string | undefined;
  try {
    ({ QueueUrl: url } = await sqs.send(
      new CreateQueueCommand({ QueueName: spec.name, Attributes: spec.fifo ? { ...attributes, FifoQueue: 'true' } : attributes }),
    ));
  } catch (error) {
    // It exists with other attributes (an earlier run of an older template): keep it, take the template's.
    if (!isNamed(error, 'QueueNameExists', 'QueueAlreadyExists')) throw error;
    ({ QueueUrl: url } = await sqs.send(new GetQueueUrlCommand({ QueueName: spec.name })));
    if (url) await sqs.send(new SetQueueAttributesCommand({ QueueUrl: url, Attributes: attributes }));
  }
  if (!url) throw new ProvisioningError(`queue ${spec.name}: no URL in the emulator's answer`);
  const { Attributes: current } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }));
  return { name: spec.name, url, arn: current?.QueueArn ?? `arn:aws:sqs:${LOCAL_REGION}:${LOCAL_ACCOUNT_ID}:${spec.name}` };
}

// ---- resolving intrinsics ----------------------------------------------------------

class ProvisionedResources implements LocalResources {
  constructor(
    private readonly tables: ReadonlyMap<string, ProvisionedTable>,
    private readonly streams: ReadonlyMap<string, ProvisionedStream>,
    private readonly queues: ReadonlyMap<string, ProvisionedQueue>,
  ) {}

  tableName(logicalId: string): string {
    return this.find(this.tables, logicalId, 'table').name;
  }

  streamName(logicalId: string): string {
    return this.find(this.streams, logicalId, 'stream').name;
  }

  queueUrl(logicalId: string): string {
    return this.find(this.queues, logicalId, 'queue').url;
  }

  resolve(value: unknown): string {
    if (typeof value === 'string') return value;
    if (typeof value === 'number' || typeof value === 'boolean') return String(value);
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw new ProvisioningError(`cannot resolve ${JSON.stringify(value)} to a string`);
    }
    const entries = Object.entries(value);
    const [intrinsic, argument] = entries[0] ?? [];
    if (entries.length !== 1 || intrinsic === undefined) throw new ProvisioningError(`not an intrinsic function: ${JSON.stringify(value)}`);
    switch (intrinsic) {
      case 'Ref':
        return this.ref(expectString(argument, 'Ref'));
      case 'Fn::GetAtt':
        return this.getAtt(...getAttArguments(argument));
      case 'Fn::Join':
        return this.join(argument);
      case 'Fn::Sub':
        return this.sub(argument);
      default:
        throw new ProvisioningError(`${intrinsic} is not supported locally (Ref, Fn::GetAtt, Fn::Join, Fn::Sub are)`);
    }
  }

  private ref(logicalId: string): string {
    const pseudo = PSEUDO_PARAMETERS[logicalId];
    if (pseudo !== undefined) return pseudo;
    const table = this.tables.get(logicalId);
    if (table) return table.name;
    const stream = this.streams.get(logicalId);
    if (stream) return stream.name;
    const queue = this.queues.get(logicalId);
    if (queue) return queue.url;
    throw new ProvisioningError(`Ref ${logicalId}: not a table, stream or queue provisioned locally, nor a supported pseudo parameter`);
  }

  private getAtt(logicalId: string, attribute: string): string {
    const table = this.tables.get(logicalId);
    if (table && attribute === 'Arn') return table.arn;
    if (table && attribute === 'StreamArn') {
      if (!table.streamArn) throw new ProvisioningError(`Fn::GetAtt ${logicalId}.StreamArn: the table has no stream`);
      return table.streamArn;
    }
    const stream = this.streams.get(logicalId);
    if (stream && attribute === 'Arn') return stream.arn;
    const queue = this.queues.get(logicalId);
    if (queue && attribute === 'Arn') return queue.arn;
    if (queue && attribute === 'QueueUrl') return queue.url;
    if (queue && attribute === 'QueueName') return queue.name;
    throw new ProvisioningError(`Fn::GetAtt ${logicalId}.${attribute}: not an attribute of a table, stream or queue provisioned locally`);
  }

  private join(argument: unknown): string {
    if (!Array.isArray(argument) || typeof argument[0] !== 'string' || !Array.isArray(argument[1])) {
      throw new ProvisioningError(`Fn::Join takes [delimiter, [values]], got ${JSON.stringify(argument)}`);
    }
    const [delimiter, parts] = argument as [string, unknown[]];
    return parts.map((part) => this.resolve(part)).join(delimiter);
  }

  /** `${Name}`, `${Name.Attribute}` and `${!Literal}`, with optional variables: `[text, { Name: value }]`. */
  private sub(argument: unknown): string {
    const [text, variables] = Array.isArray(argument) ? argument : [argument, {}];
    if (typeof text !== 'string' || typeof variables !== 'object' || variables === null) {
      throw new ProvisioningError(`Fn::Sub takes text or [text, { variables }], got ${JSON.stringify(argument)}`);
    }
    const values = variables as Record<string, unknown>;
    return text.replace(/\$\{([^}]*)\}/g, (_, name: string) => {
      if (name.startsWith('!')) return `\${${name.slice(1)}}`;
      if (name in values) return this.resolve(values[name]);
      const dot = name.indexOf('.');
      return dot < 0 ? this.ref(name) : this.getAtt(name.slice(0, dot), name.slice(dot + 1));
    });
  }

  private find<T>(resources: ReadonlyMap<string, T>, logicalId: string, kind: string): T {
    const resource = resources.get(logicalId);
    if (!resource) throw new ProvisioningError(`no ${kind} ${logicalId} was provisioned`);
    return resource;
  }
}

function expectString(value: unknown, intrinsic: string): string {
  if (typeof value !== 'string') throw new ProvisioningError(`${intrinsic} takes a logical id, got ${JSON.stringify(value)}`);
  return value;
}

/** `[logicalId, attribute]`, or the short form `"logicalId.attribute"`. */
function getAttArguments(argument: unknown): [string, string] {
  const dot = typeof argument === 'string' ? argument.indexOf('.') : -1;
  const [logicalId, attribute]: unknown[] =
    typeof argument === 'string' ? (dot > 0 ? [argument.slice(0, dot), argument.slice(dot + 1)] : []) : Array.isArray(argument) ? argument : [];
  if (typeof logicalId !== 'string' || typeof attribute !== 'string' || logicalId === '') {
    throw new ProvisioningError(`Fn::GetAtt takes [logicalId, attribute], got ${JSON.stringify(argument)}`);
  }
  return [logicalId, attribute];
}

// ---- helpers ---------------------------------------------------------------------

function isNamed(error: unknown, ...names: string[]): boolean {
  return error instanceof Error && names.includes(error.name);
}

async function waitUntil<T>(what: string, waits: Waits, check: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + waits.timeoutMs;
  for (;;) {
    const result = await check();
    if (result !== undefined) return result;
    if (Date.now() >= deadline) throw new ProvisioningError(`${what} did not become ACTIVE within ${waits.timeoutMs} ms`);
    await new Promise((wake) => setTimeout(wake, waits.intervalMs));
  }
}
