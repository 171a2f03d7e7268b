import { isAbsolute, join } from 'node:path';
import { createTicketingApp } from '../cdk/ticketing-app';

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

export interface LocalTopology {
  tables: TableSpec[];
  streams: StreamSpec[];
  queues: QueueSpec[];
  functions: FunctionSpec[];
  routes: RouteSpec[];
}

export class TopologyError extends Error {
  override readonly name = 'TopologyError';
}

// CloudFormation's defaults for properties a template may leave out.
const DEFAULT_VISIBILITY_TIMEOUT_SECONDS = 30;
const DEFAULT_MESSAGE_RETENTION_SECONDS = 345_600;
const DEFAULT_LAMBDA_TIMEOUT_SECONDS = 3;
const DEFAULT_LAMBDA_MEMORY_MB = 128;
const ASSET_PATH_METADATA = 'aws:asset:path';

/**
 * Synthesizes the CDK app in-process and reads the stack's template from the
 * cloud assembly. With `bundle: true` every function's bundle is built into the
 * assembly (what `cdk synth` would deploy). The CloudFormation schema check is
 * left to `cdk synth`: the local cloud only reads the template.
 */
export function synthesizeApp(options: { bundle: boolean; outdir?: string; context?: Record<string, unknown> }): SynthesizedApp {
  const { app, stack } = createTicketingApp({ ...options, validate: false });
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
  return {
    logicalId,
    handler: props.string('Handler'),
    codeDir: isAbsolute(assetPath) ? assetPath : join(assemblyDir, assetPath),
    environment: environment ? (props.nested(environment, 'Environment').optionalObject('Variables') ?? {}) : {},
    timeoutSeconds: props.optionalNumber('Timeout') ?? DEFAULT_LAMBDA_TIMEOUT_SECONDS,
    memorySize: props.optionalNumber('MemorySize') ?? DEFAULT_LAMBDA_MEMORY_MB,
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
    private readonly where: string,
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
