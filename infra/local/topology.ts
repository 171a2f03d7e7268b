import { isAbsolute, join } from 'node:path';
import { createTicketingApp } from '../cdk/ticketing-app';
import { type FilterPattern, parseFilterPattern } from './event-filter';

/**
 * What the local cloud runs, read from the synthesized CloudFormation template:
 * tables, streams, queues, functions and routes, parsed by resource type so that
 * what runs on a laptop is what deploys. Values that CloudFormation resolves at
 * deploy time (function environments) stay raw here; provision.ts resolves them.
 */

export interface CloudFormationResource {
  Type: string;
  Properties?: Record<string, unknown>;
  Metadata?: Record<string, unknown>;
  DependsOn?: string | string[];
  DeletionPolicy?: string;
  UpdateReplacePolicy?: string;
}

export interface CloudFormationTemplate {
  Resources: Record<string, CloudFormationResource>;
  Outputs?: Record<string, { Value: unknown; Description?: string }>;
  Parameters?: Record<string, unknown>;
}

export interface SynthesizedApp {
  template: CloudFormationTemplate;
  /** The cloud assembly directory; function bundles live under it. */
  assemblyDir: string;
}

export interface KeySchemaElement {
  attributeName: string;
  keyType: 'HASH' | 'RANGE';
}

export interface AttributeDefinition {
  attributeName: string;
  attributeType: 'S' | 'N' | 'B';
}

export interface SecondaryIndexSpec {
  indexName: string;
  keySchema: KeySchemaElement[];
  projection: { projectionType: 'ALL' | 'KEYS_ONLY' | 'INCLUDE'; nonKeyAttributes?: string[] };
}

export type StreamViewType = 'KEYS_ONLY' | 'NEW_IMAGE' | 'OLD_IMAGE' | 'NEW_AND_OLD_IMAGES';

export interface TableSpec {
  logicalId: string;
  /** The template's TableName, else the logical id (CloudFormation would generate one). */
  tableName: string;
  keySchema: KeySchemaElement[];
  attributeDefinitions: AttributeDefinition[];
  globalSecondaryIndexes: SecondaryIndexSpec[];
  localSecondaryIndexes: SecondaryIndexSpec[];
  streamViewType?: StreamViewType;
  timeToLiveAttribute?: string;
}

export interface StreamSpec {
  logicalId: string;
  name: string;
  /** The provisioned shard count; an on-demand stream gets one shard locally. */
  shardCount: number;
}

export interface QueueSpec {
  logicalId: string;
  name: string;
  fifo: boolean;
  contentBasedDeduplication: boolean;
  /** Seconds. */
  visibilityTimeout: number;
  /** Seconds. */
  messageRetentionPeriod: number;
  redrive?: { deadLetterQueueLogicalId: string; maxReceiveCount: number };
}

export interface FunctionSpec {
  logicalId: string;
  /** `<file>.<export>`, e.g. `index.handler`. */
  handler: string;
  /** Absolute path of the function's code: the bundle in the cloud assembly (or its sources when bundling was skipped). */
  codeDir: string;
  /** As written in the template: literals and unresolved intrinsics (Ref, Fn::GetAtt, Fn::Join, Fn::Sub). */
  environment: Record<string, unknown>;
  timeoutSeconds: number;
  memorySize: number;
  /** ReservedConcurrentExecutions, when the function reserves any. */
  reservedConcurrency?: number;
  /** The execution role (`Role: Fn::GetAtt [<role>, Arn]`), by logical id, when it is a role of the template. */
  roleLogicalId?: string;
}

export type RouteAuthorization = 'NONE' | 'JWT' | 'AWS_IAM';

export interface RouteSpec {
  /** Upper case, or `ANY`. */
  method: string;
  /** API Gateway's syntax: `/services/{serviceId}/availability`, `/files/{proxy+}`. */
  path: string;
  functionLogicalId: string;
  authorization: RouteAuthorization;
}

/** What a mapping reads: a table's DynamoDB stream, a Kinesis stream or an SQS queue. */
export type EventSourceKind = 'dynamodb' | 'kinesis' | 'sqs';

export type StartingPosition = 'TRIM_HORIZON' | 'LATEST' | 'AT_TIMESTAMP';

interface EventSourceMappingBase {
  logicalId: string;
  /** The function invoked, by logical id (the local function name). */
  functionLogicalId: string;
  /** The table (whose stream is read), Kinesis stream or queue, by logical id. */
  sourceLogicalId: string;
  /** As written: `Fn::GetAtt [table, StreamArn]`, `[stream, Arn]` or `[queue, Arn]`; provision.ts resolves it. */
  eventSourceArn: unknown;
  /** CloudFormation's default: 100 for streams, 10 for queues. */
  batchSize: number;
  /** @default 0 */
  maximumBatchingWindowInSeconds: number;
  /** `Enabled: false` is a paused mapping. */
  enabled: boolean;
  /** `FunctionResponseTypes: ['ReportBatchItemFailures']`. */
  reportBatchItemFailures: boolean;
}

/** A mapping over a DynamoDB or Kinesis stream, with the stream sources' retry settings. */
export interface StreamEventSourceMappingSpec extends EventSourceMappingBase {
  kind: 'dynamodb' | 'kinesis';
  startingPosition: StartingPosition;
  /** Unix seconds, with AT_TIMESTAMP (Kinesis only). */
  startingPositionTimestamp?: number;
  /** @default false */
  bisectBatchOnFunctionError: boolean;
  /** -1 (the default): retried until the record expires. */
  maximumRetryAttempts: number;
  /** -1 (the default): no limit but the stream's retention. */
  maximumRecordAgeInSeconds: number;
  /** @default 1 */
  parallelizationFactor: number;
  /** Where a discarded batch's on-failure record goes: an SQS queue of the template. */
  onFailure?: { queueLogicalId: string };
  /** `FilterCriteria` (Kinesis only): a record is delivered when one of the patterns matches it. */
  filters?: FilterPattern[];
}

export interface QueueEventSourceMappingSpec extends EventSourceMappingBase {
  kind: 'sqs';
  /** `ScalingConfig.MaximumConcurrency`, when set. */
  maximumConcurrency?: number;
}

export type EventSourceMappingSpec = StreamEventSourceMappingSpec | QueueEventSourceMappingSpec;

/** `rate(5 minutes)`, in seconds; or a `cron(...)` expression, which the local scheduler does not run. */
export type ScheduleSpec = { kind: 'rate'; seconds: number } | { kind: 'cron'; expression: string };

export interface ScheduleTargetSpec {
  /** The target's Id within its rule. */
  id: string;
  functionLogicalId: string;
  /** The target's constant `Input` (JSON text), sent instead of the scheduled event. */
  input?: string;
}

/** An `AWS::Events::Rule` with a ScheduleExpression; rules with only an EventPattern are not read. */
export interface ScheduleRuleSpec {
  logicalId: string;
  /** The rule's Name, else its logical id. */
  name: string;
  /** As written, e.g. `rate(1 minute)`. */
  expression: string;
  schedule: ScheduleSpec;
  /** `State: DISABLED` is false. */
  enabled: boolean;
  targets: ScheduleTargetSpec[];
}

export interface LocalTopology {
  tables: TableSpec[];
  streams: StreamSpec[];
  queues: QueueSpec[];
  functions: FunctionSpec[];
  routes: RouteSpec[];
  eventSourceMappings: EventSourceMappingSpec[];
  schedules: ScheduleRuleSpec[];
}

export class TopologyError extends Error {
  override readonly name = 'TopologyError';
}

// CloudFormation's defaults for properties a template may leave out.
const DEFAULT_VISIBILITY_TIMEOUT_SECONDS = 30;
const DEFAULT_MESSAGE_RETENTION_SECONDS = 345_600;
const DEFAULT_LAMBDA_TIMEOUT_SECONDS = 3;
const DEFAULT_LAMBDA_MEMORY_MB = 128;
const DEFAULT_STREAM_BATCH_SIZE = 100;
const DEFAULT_QUEUE_BATCH_SIZE = 10;
const RATE_UNIT_SECONDS: Record<string, number> = { minute: 60, hour: 3_600, day: 86_400 };
const ASSET_PATH_METADATA = 'aws:asset:path';

/**
 * Synthesizes the CDK app in-process and reads the stack's template from the
 * cloud assembly. With `bundle: true` every function's bundle is built into the
 * assembly (what `cdk synth` would deploy). The CloudFormation schema check is
 * left to `cdk synth`: the local cloud only reads the template.
 */
export function synthesizeApp(options: { bundle: boolean; outdir?: string; context?: Record<string, unknown> }): SynthesizedApp {
  // The console's CloudFront site has no local counterpart: the gateway serves the console itself.
  const { app, stack } = createTicketingApp({ ...options, validate: false, context: { console: false, ...options.context } });
  const assembly = app.synth();
  const template = assembly.getStackArtifact(stack.artifactId).template as CloudFormationTemplate;
  return { template, assemblyDir: assembly.directory };
}

export function readTopology(app: SynthesizedApp): LocalTopology {
  const resources = Object.entries(app.template.Resources ?? {});
  const ofType = (type: string) => resources.filter(([, resource]) => resource.Type === type);
  const template = new TemplateReader(app.template);
  return {
    tables: ofType('AWS::DynamoDB::Table').map(([id, resource]) => readTable(id, template.properties(id, resource))),
    streams: ofType('AWS::Kinesis::Stream').map(([id, resource]) => readStream(id, template.properties(id, resource))),
    queues: ofType('AWS::SQS::Queue').map(([id, resource]) => readQueue(id, template)),
    functions: ofType('AWS::Lambda::Function').map(([id, resource]) => readFunction(id, resource, template, app.assemblyDir)),
    routes: ofType('AWS::ApiGatewayV2::Route').map(([id]) => readRoute(id, template)),
    eventSourceMappings: ofType('AWS::Lambda::EventSourceMapping').map(([id]) => readEventSourceMapping(id, template)),
    schedules: ofType('AWS::Events::Rule').flatMap(([id]) => readScheduleRule(id, template)),
  };
}

function readTable(logicalId: string, props: PropertyReader): TableSpec {
  const stream = props.optionalObject('StreamSpecification');
  const ttl = props.optionalObject('TimeToLiveSpecification');
  return {
    logicalId,
    tableName: props.optionalString('TableName') ?? logicalId,
    keySchema: readKeySchema(props),
    attributeDefinitions: props.array('AttributeDefinitions').map((definition, i) => {
      const entry = props.nested(definition, `AttributeDefinitions[${i}]`);
      return {
        attributeName: entry.string('AttributeName'),
        attributeType: entry.oneOf('AttributeType', ['S', 'N', 'B'] as const),
      };
    }),
    globalSecondaryIndexes: readIndexes(props, 'GlobalSecondaryIndexes'),
    localSecondaryIndexes: readIndexes(props, 'LocalSecondaryIndexes'),
    streamViewType: stream
      ? props.nested(stream, 'StreamSpecification').oneOf('StreamViewType', ['KEYS_ONLY', 'NEW_IMAGE', 'OLD_IMAGE', 'NEW_AND_OLD_IMAGES'] as const)
      : undefined,
    timeToLiveAttribute: ttl && ttl.Enabled !== false && ttl.Enabled !== 'false' ? props.nested(ttl, 'TimeToLiveSpecification').string('AttributeName') : undefined,
  };
}

function readIndexes(props: PropertyReader, key: 'GlobalSecondaryIndexes' | 'LocalSecondaryIndexes'): SecondaryIndexSpec[] {
  return (props.optionalArray(key) ?? []).map((index, i) => {
    const entry = props.nested(index, `${key}[${i}]`);
    const projection = entry.nested(entry.object('Projection'), 'Projection');
    return {
      indexName: entry.string('IndexName'),
      keySchema: readKeySchema(entry),
      projection: {
        projectionType: projection.optionalOneOf('ProjectionType', ['ALL', 'KEYS_ONLY', 'INCLUDE'] as const) ?? 'KEYS_ONLY',
        ...(projection.optionalArray('NonKeyAttributes') ? { nonKeyAttributes: projection.stringArray('NonKeyAttributes') } : {}),
      },
    };
  });
}

function readKeySchema(props: PropertyReader): KeySchemaElement[] {
  return props.array('KeySchema').map((element, i) => {
    const entry = props.nested(element, `KeySchema[${i}]`);
    return { attributeName: entry.string('AttributeName'), keyType: entry.oneOf('KeyType', ['HASH', 'RANGE'] as const) };
  });
}

function readStream(logicalId: string, props: PropertyReader): StreamSpec {
  const mode = props.optionalObject('StreamModeDetails')?.StreamMode;
  const onDemand = mode === 'ON_DEMAND';
  return {
    logicalId,
    name: props.optionalString('Name') ?? logicalId,
    shardCount: onDemand ? 1 : (props.optionalNumber('ShardCount') ?? 1),
  };
}

function readQueue(logicalId: string, template: TemplateReader): QueueSpec {
  const props = template.properties(logicalId);
  const fifo = props.optionalBoolean('FifoQueue') ?? false;
  const redrivePolicy = props.optionalObjectOrJson('RedrivePolicy');
  let redrive: QueueSpec['redrive'];
  if (redrivePolicy) {
    const policy = props.nested(redrivePolicy, 'RedrivePolicy');
    const target = policy.value('deadLetterTargetArn');
    const deadLetterQueueLogicalId = getAttTarget(target, 'Arn');
    if (deadLetterQueueLogicalId === undefined || template.typeOf(deadLetterQueueLogicalId) !== 'AWS::SQS::Queue') {
      throw new TopologyError(`${logicalId}: RedrivePolicy.deadLetterTargetArn must be Fn::GetAtt [<queue>, Arn] of a queue in this template`);
    }
    redrive = { deadLetterQueueLogicalId, maxReceiveCount: policy.number('maxReceiveCount') };
  }
  return {
    logicalId,
    name: props.optionalString('QueueName') ?? (fifo ? `${logicalId}.fifo` : logicalId),
    fifo,
    contentBasedDeduplication: props.optionalBoolean('ContentBasedDeduplication') ?? false,
    visibilityTimeout: props.optionalNumber('VisibilityTimeout') ?? DEFAULT_VISIBILITY_TIMEOUT_SECONDS,
    messageRetentionPeriod: props.optionalNumber('MessageRetentionPeriod') ?? DEFAULT_MESSAGE_RETENTION_SECONDS,
    ...(redrive ? { redrive } : {}),
  };
}

function readFunction(logicalId: string, resource: CloudFormationResource, template: TemplateReader, assemblyDir: string): FunctionSpec {
  const props = template.properties(logicalId, resource);
  const assetPath = resource.Metadata?.[ASSET_PATH_METADATA];
  if (typeof assetPath !== 'string') {
    throw new TopologyError(
      `${logicalId}: no ${ASSET_PATH_METADATA} metadata, so its code cannot be found; synthesize with the context aws:cdk:enable-asset-metadata=true`,
    );
  }
  const environment = props.optionalObject('Environment');
  const roleLogicalId = getAttTarget(props.value('Role'), 'Arn');
  const reservedConcurrency = props.optionalNumber('ReservedConcurrentExecutions');
  return {
    logicalId,
    handler: props.string('Handler'),
    codeDir: isAbsolute(assetPath) ? assetPath : join(assemblyDir, assetPath),
    environment: environment ? (props.nested(environment, 'Environment').optionalObject('Variables') ?? {}) : {},
    timeoutSeconds: props.optionalNumber('Timeout') ?? DEFAULT_LAMBDA_TIMEOUT_SECONDS,
    memorySize: props.optionalNumber('MemorySize') ?? DEFAULT_LAMBDA_MEMORY_MB,
    ...(reservedConcurrency === undefined ? {} : { reservedConcurrency }),
    ...(roleLogicalId !== undefined && template.typeOf(roleLogicalId) === 'AWS::IAM::Role' ? { roleLogicalId } : {}),
  };
}

function readRoute(logicalId: string, template: TemplateReader): RouteSpec {
  const props = template.properties(logicalId);
  const routeKey = props.string('RouteKey');
  const match = /^([A-Z]+) (\/\S*)$/.exec(routeKey);
  if (!match) throw new TopologyError(`${logicalId}: route key ${JSON.stringify(routeKey)} is not "<METHOD> <path>"`);
  const [, method = '', path = ''] = match;

  const integrationId = integrationOf(logicalId, props.value('Target'));
  if (template.typeOf(integrationId) !== 'AWS::ApiGatewayV2::Integration') {
    throw new TopologyError(`${logicalId}: its target ${integrationId} is not an AWS::ApiGatewayV2::Integration`);
  }
  const integrationUri = template.properties(integrationId).value('IntegrationUri');
  const functionLogicalId = referencedIds(integrationUri).find((id) => template.typeOf(id) === 'AWS::Lambda::Function');
  if (functionLogicalId === undefined) {
    throw new TopologyError(`${integrationId}: its IntegrationUri names no AWS::Lambda::Function of this template`);
  }
  return { method, path, functionLogicalId, authorization: readAuthorization(logicalId, props, template) };
}

function readEventSourceMapping(logicalId: string, template: TemplateReader): EventSourceMappingSpec {
  const props = template.properties(logicalId);
  const eventSourceArn = props.value('EventSourceArn');
  const { kind, sourceLogicalId } = eventSourceOf(logicalId, eventSourceArn, template);
  const functionLogicalId = functionOf(props.value('FunctionName'), template);
  if (functionLogicalId === undefined) {
    throw new TopologyError(`${logicalId}.FunctionName: expected { Ref } or Fn::GetAtt [<function>, Arn] of an AWS::Lambda::Function in this template, got ${JSON.stringify(props.value('FunctionName'))}`);
  }
  // These change what the function receives; delivering unfiltered or unwindowed batches would not be what deploys.
  if (props.value('TumblingWindowInSeconds') !== undefined) throw new TopologyError(`${logicalId}.TumblingWindowInSeconds is not supported locally`);
  const filters = filtersOf(logicalId, props.optionalObject('FilterCriteria'), kind);
  const responseTypes = props.optionalArray('FunctionResponseTypes') ? props.stringArray('FunctionResponseTypes') : [];
  const base = {
    logicalId,
    functionLogicalId,
    sourceLogicalId,
    eventSourceArn,
    batchSize: props.optionalNumber('BatchSize') ?? (kind === 'sqs' ? DEFAULT_QUEUE_BATCH_SIZE : DEFAULT_STREAM_BATCH_SIZE),
    maximumBatchingWindowInSeconds: props.optionalNumber('MaximumBatchingWindowInSeconds') ?? 0,
    enabled: props.optionalBoolean('Enabled') ?? true,
    reportBatchItemFailures: responseTypes.includes('ReportBatchItemFailures'),
  };
  if (kind === 'sqs') {
    const scaling = props.optionalObject('ScalingConfig');
    const maximumConcurrency = scaling ? props.nested(scaling, 'ScalingConfig').optionalNumber('MaximumConcurrency') : undefined;
    return { ...base, kind, ...(maximumConcurrency === undefined ? {} : { maximumConcurrency }) };
  }
  const startingPosition = props.oneOf('StartingPosition', ['TRIM_HORIZON', 'LATEST', 'AT_TIMESTAMP'] as const);
  if (startingPosition === 'AT_TIMESTAMP' && kind === 'dynamodb') {
    throw new TopologyError(`${logicalId}.StartingPosition: a DynamoDB stream starts at TRIM_HORIZON or LATEST, not AT_TIMESTAMP`);
  }
  const startingPositionTimestamp = props.optionalNumber('StartingPositionTimestamp');
  const onFailure = onFailureOf(logicalId, props, template);
  return {
    ...base,
    kind,
    startingPosition,
    ...(startingPositionTimestamp === undefined ? {} : { startingPositionTimestamp }),
    bisectBatchOnFunctionError: props.optionalBoolean('BisectBatchOnFunctionError') ?? false,
    maximumRetryAttempts: props.optionalNumber('MaximumRetryAttempts') ?? -1,
    maximumRecordAgeInSeconds: props.optionalNumber('MaximumRecordAgeInSeconds') ?? -1,
    parallelizationFactor: props.optionalNumber('ParallelizationFactor') ?? 1,
    ...(onFailure ? { onFailure } : {}),
    ...(filters ? { filters } : {}),
  };
}

/** `FilterCriteria.Filters[].Pattern`, on a Kinesis mapping (the only kind this project filters). */
function filtersOf(logicalId: string, criteria: Record<string, unknown> | undefined, kind: EventSourceKind): FilterPattern[] | undefined {
  if (criteria === undefined) return undefined;
  if (kind !== 'kinesis') throw new TopologyError(`${logicalId}.FilterCriteria is supported locally on Kinesis mappings only`);
  const filters = criteria.Filters;
  if (!Array.isArray(filters) || filters.length === 0) throw new TopologyError(`${logicalId}.FilterCriteria.Filters: expected a list of { Pattern }`);
  return filters.map((filter, i) => {
    try {
      return parseFilterPattern(isRecord(filter) ? filter.Pattern : undefined);
    } catch (error) {
      throw new TopologyError(`${logicalId}.FilterCriteria.Filters[${i}]: ${(error as Error).message}`);
    }
  });
}

/** The source's kind from what EventSourceArn points at: a table's StreamArn, a Kinesis stream's or a queue's Arn. */
function eventSourceOf(mappingId: string, arn: unknown, template: TemplateReader): { kind: EventSourceKind; sourceLogicalId: string } {
  const tableId = getAttTarget(arn, 'StreamArn');
  if (tableId !== undefined && template.typeOf(tableId) === 'AWS::DynamoDB::Table') return { kind: 'dynamodb', sourceLogicalId: tableId };
  const sourceId = getAttTarget(arn, 'Arn');
  const type = sourceId === undefined ? undefined : template.typeOf(sourceId);
  if (sourceId !== undefined && type === 'AWS::Kinesis::Stream') return { kind: 'kinesis', sourceLogicalId: sourceId };
  if (sourceId !== undefined && type === 'AWS::SQS::Queue') return { kind: 'sqs', sourceLogicalId: sourceId };
  throw new TopologyError(
    `${mappingId}.EventSourceArn: expected Fn::GetAtt [<table>, StreamArn], [<Kinesis stream>, Arn] or [<queue>, Arn] of this template, got ${JSON.stringify(arn)}`,
  );
}

/** A function of this template named by `{ Ref }` or `Fn::GetAtt [fn, Arn]`. */
function functionOf(value: unknown, template: TemplateReader): string | undefined {
  const id = isRecord(value) && typeof value.Ref === 'string' ? value.Ref : getAttTarget(value, 'Arn');
  return id !== undefined && template.typeOf(id) === 'AWS::Lambda::Function' ? id : undefined;
}

function onFailureOf(mappingId: string, props: PropertyReader, template: TemplateReader): { queueLogicalId: string } | undefined {
  const config = props.optionalObject('DestinationConfig');
  if (!config) return undefined;
  const onFailure = props.nested(config, 'DestinationConfig').optionalObject('OnFailure');
  if (!onFailure) return undefined;
  const destination = props.nested(onFailure, 'DestinationConfig.OnFailure').value('Destination');
  const queueLogicalId = getAttTarget(destination, 'Arn');
  if (queueLogicalId === undefined || template.typeOf(queueLogicalId) !== 'AWS::SQS::Queue') {
    throw new TopologyError(
      `${mappingId}.DestinationConfig.OnFailure.Destination: only an SQS queue of this template (Fn::GetAtt [<queue>, Arn]) works locally, got ${JSON.stringify(destination)}`,
    );
  }
  return { queueLogicalId };
}

/** A rule with a ScheduleExpression; an event-pattern-only rule is not a schedule and yields nothing. */
function readScheduleRule(logicalId: string, template: TemplateReader): ScheduleRuleSpec[] {
  const props = template.properties(logicalId);
  const expression = props.optionalString('ScheduleExpression');
  if (expression === undefined) return [];
  const state = props.optionalString('State') ?? 'ENABLED';
  return [
    {
      logicalId,
      name: props.optionalString('Name') ?? logicalId,
      expression,
      schedule: parseScheduleExpression(logicalId, expression),
      enabled: state !== 'DISABLED',
      targets: (props.optionalArray('Targets') ?? []).map((target, i) => readScheduleTarget(props.nested(target, `Targets[${i}]`), template)),
    },
  ];
}

/**
 * `rate(<n> minute|minutes|hour|hours|day|days)` in seconds; `cron(...)` is kept
 * as written (the scheduler reports it and does not run it).
 */
export function parseScheduleExpression(where: string, expression: string): ScheduleSpec {
  const cron = /^cron\((.+)\)$/.exec(expression.trim());
  if (cron?.[1]) return { kind: 'cron', expression: cron[1].trim() };
  const rate = /^rate\(\s*(\d+)\s+(minute|minutes|hour|hours|day|days)\s*\)$/.exec(expression.trim());
  const value = Number(rate?.[1]);
  const unit = rate?.[2]?.replace(/s$/, '');
  const unitSeconds = unit === undefined ? undefined : RATE_UNIT_SECONDS[unit];
  if (unitSeconds === undefined || !Number.isSafeInteger(value) || value < 1) {
    throw new TopologyError(`${where}.ScheduleExpression: expected rate(<n> minute(s)|hour(s)|day(s)) or cron(...), got ${JSON.stringify(expression)}`);
  }
  return { kind: 'rate', seconds: value * unitSeconds };
}

function readScheduleTarget(target: PropertyReader, template: TemplateReader): ScheduleTargetSpec {
  const id = target.string('Id');
  const functionLogicalId = functionOf(target.value('Arn'), template);
  if (functionLogicalId === undefined) {
    throw new TopologyError(`${target.where}.Arn: only Lambda functions of this template (Fn::GetAtt [<function>, Arn]) run as targets locally, got ${JSON.stringify(target.value('Arn'))}`);
  }
  for (const key of ['InputPath', 'InputTransformer'] as const) {
    if (target.value(key) !== undefined) throw new TopologyError(`${target.where}.${key} is not supported locally (a constant Input is)`);
  }
  const input = target.optionalString('Input');
  if (input !== undefined) {
    try {
      JSON.parse(input);
    } catch (error) {
      throw new TopologyError(`${target.where}.Input: not valid JSON`, { cause: error });
    }
  }
  return { id, functionLogicalId, ...(input === undefined ? {} : { input }) };
}

/** `integrations/<id>`, as CloudFormation writes a route target: `Fn::Join ['', ['integrations/', { Ref }]]`. */
function integrationOf(routeId: string, target: unknown): string {
  const join = isRecord(target) ? target['Fn::Join'] : undefined;
  if (Array.isArray(join) && Array.isArray(join[1])) {
    const [prefix, ref] = join[1] as unknown[];
    if (prefix === 'integrations/' && isRecord(ref) && typeof ref.Ref === 'string') return ref.Ref;
  }
  throw new TopologyError(`${routeId}: Target must be Fn::Join ["", ["integrations/", { Ref: <integration> }]], got ${JSON.stringify(target)}`);
}

function readAuthorization(routeId: string, props: PropertyReader, template: TemplateReader): RouteAuthorization {
  const type = props.optionalString('AuthorizationType') ?? 'NONE';
  if (type === 'NONE' || type === 'AWS_IAM') return type;
  if (type !== 'JWT') throw new TopologyError(`${routeId}: authorization type ${type} is not supported locally (NONE, JWT, AWS_IAM)`);
  const authorizerRef = props.value('AuthorizerId');
  const authorizerId = isRecord(authorizerRef) && typeof authorizerRef.Ref === 'string' ? authorizerRef.Ref : undefined;
  if (authorizerId === undefined || template.typeOf(authorizerId) !== 'AWS::ApiGatewayV2::Authorizer') {
    throw new TopologyError(`${routeId}: a JWT route needs AuthorizerId { Ref: <AWS::ApiGatewayV2::Authorizer> }`);
  }
  const authorizerType = template.properties(authorizerId).string('AuthorizerType');
  if (authorizerType !== 'JWT') throw new TopologyError(`${routeId}: JWT route with a ${authorizerType} authorizer (${authorizerId})`);
  return 'JWT';
}

/** The logical id X of `{ "Fn::GetAtt": [X, attribute] }` (or its "X.attribute" form). */
function getAttTarget(value: unknown, attribute: string): string | undefined {
  if (!isRecord(value)) return undefined;
  const getAtt = value['Fn::GetAtt'];
  const [id, attr] = typeof getAtt === 'string' ? getAtt.split('.') : Array.isArray(getAtt) ? getAtt : [];
  return typeof id === 'string' && attr === attribute ? id : undefined;
}

/** Every logical id a value refers to through Ref, Fn::GetAtt or Fn::Sub, depth first. */
function referencedIds(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(referencedIds);
  if (!isRecord(value)) return [];
  if (typeof value.Ref === 'string') return [value.Ref];
  const getAtt = value['Fn::GetAtt'];
  if (typeof getAtt === 'string') return [getAtt.split('.')[0] ?? ''];
  if (Array.isArray(getAtt) && typeof getAtt[0] === 'string') return [getAtt[0]];
  const sub = value['Fn::Sub'];
  const subText = typeof sub === 'string' ? sub : Array.isArray(sub) && typeof sub[0] === 'string' ? sub[0] : undefined;
  const fromSub = subText ? [...subText.matchAll(/\$\{([^!}][^}.]*)(?:\.[^}]*)?\}/g)].map((m) => m[1] ?? '') : [];
  return [...fromSub, ...Object.values(value).flatMap(referencedIds)];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

class TemplateReader {
  constructor(private readonly template: CloudFormationTemplate) {}

  typeOf(logicalId: string): string | undefined {
    return this.template.Resources[logicalId]?.Type;
  }

  properties(logicalId: string, resource = this.template.Resources[logicalId]): PropertyReader {
    if (!resource) throw new TopologyError(`no resource ${logicalId} in the template`);
    return new PropertyReader(resource.Properties ?? {}, logicalId);
  }
}

/** Typed access to one object of a template, naming the resource and property in every error. */
class PropertyReader {
  constructor(
    private readonly values: Record<string, unknown>,
    /** The resource and path of this object, for errors: `Rule.Targets[0]`. */
    readonly where: string,
  ) {}

  nested(value: unknown, key: string): PropertyReader {
    if (!isRecord(value)) throw this.error(key, 'an object', value);
    return new PropertyReader(value, `${this.where}.${key}`);
  }

  value(key: string): unknown {
    return this.values[key];
  }

  string(key: string): string {
    const value = this.optionalString(key);
    if (value === undefined) throw this.error(key, 'a string', undefined);
    return value;
  }

  optionalString(key: string): string | undefined {
    const value = this.values[key];
    if (value === undefined) return undefined;
    if (typeof value !== 'string') throw this.error(key, 'a literal string', value);
    return value;
  }

  oneOf<const T extends string>(key: string, allowed: readonly T[]): T {
    const value = this.optionalOneOf(key, allowed);
    if (value === undefined) throw this.error(key, `one of ${allowed.join(', ')}`, undefined);
    return value;
  }

  optionalOneOf<const T extends string>(key: string, allowed: readonly T[]): T | undefined {
    const value = this.optionalString(key);
    if (value === undefined) return undefined;
    if (!(allowed as readonly string[]).includes(value)) throw this.error(key, `one of ${allowed.join(', ')}`, value);
    return value as T;
  }

  number(key: string): number {
    const value = this.optionalNumber(key);
    if (value === undefined) throw this.error(key, 'a number', undefined);
    return value;
  }

  /** CloudFormation accepts numbers written as strings. */
  optionalNumber(key: string): number | undefined {
    const value = this.values[key];
    if (value === undefined) return undefined;
    const number = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
    if (typeof number !== 'number' || !Number.isFinite(number)) throw this.error(key, 'a literal number', value);
    return number;
  }

  optionalBoolean(key: string): boolean | undefined {
    const value = this.values[key];
    if (value === undefined) return undefined;
    if (value === true || value === 'true') return true;
    if (value === false || value === 'false') return false;
    throw this.error(key, 'a literal boolean', value);
  }

  object(key: string): Record<string, unknown> {
    const value = this.optionalObject(key);
    if (value === undefined) throw this.error(key, 'an object', undefined);
    return value;
  }

  optionalObject(key: string): Record<string, unknown> | undefined {
    const value = this.values[key];
    if (value === undefined) return undefined;
    if (!isRecord(value)) throw this.error(key, 'an object', value);
    return value;
  }

  /** Some properties (an SQS RedrivePolicy) may be an object or its JSON text. */
  optionalObjectOrJson(key: string): Record<string, unknown> | undefined {
    const value = this.values[key];
    if (typeof value !== 'string') return this.optionalObject(key);
    try {
      const parsed: unknown = JSON.parse(value);
      if (isRecord(parsed)) return parsed;
    } catch (error) {
      throw new TopologyError(`${this.where}.${key}: not valid JSON`, { cause: error });
    }
    throw this.error(key, 'an object', value);
  }

  array(key: string): unknown[] {
    const value = this.optionalArray(key);
    if (value === undefined) throw this.error(key, 'a list', undefined);
    return value;
  }

  optionalArray(key: string): unknown[] | undefined {
    const value = this.values[key];
    if (value === undefined) return undefined;
    if (!Array.isArray(value)) throw this.error(key, 'a list', value);
    return value;
  }

  stringArray(key: string): string[] {
    const values = this.array(key);
    if (!values.every((value) => typeof value === 'string')) throw this.error(key, 'a list of literal strings', values);
    return values as string[];
  }

  private error(key: string, expected: string, got: unknown): TopologyError {
    return new TopologyError(`${this.where}.${key}: expected ${expected}, got ${got === undefined ? 'nothing' : JSON.stringify(got)}`);
  }
}
