import { type App, type CfnElement, Stack, Validations } from 'aws-cdk-lib';
import { CfnRoute } from 'aws-cdk-lib/aws-apigatewayv2';
import { Table, TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { Policy } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Function as LambdaFunction, Runtime } from 'aws-cdk-lib/aws-lambda';
import { Queue } from 'aws-cdk-lib/aws-sqs';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { acknowledgeConsoleSiteFindings } from './console-site';
import { findDeadLetterQueues, pathInStack } from './monitored-resources';
import type { TicketingStack } from './ticketing-stack';

/**
 * Why each route without an authorizer needs none, by route key. A public route
 * missing here stays an AwsSolutions-APIG4 finding and fails the nag test.
 */
export const PUBLIC_ROUTE_REASONS: Readonly<Record<string, string>> = {
  'GET /healthz': 'Liveness probe for uptime checks and deploy smoke tests: answers 200 without touching any data.',
  'GET /readyz': 'Readiness probe for uptime checks: reports whether the ledger table, the order-events stream and the ticket outbox answer a metadata call (DescribeTable, DescribeStreamSummary, GetQueueAttributes); returns no data.',
  'GET /stations': 'The stations of the published timetable, for the search form before sign-in: public as the timetable is, read-only, cached for 10 s per function instance and bounded by the stage throttle.',
  'GET /services': 'Timetable search: published services are public, as on 12306, so travellers search before signing in; read-only and bounded by the stage throttle.',
  'GET /services/{serviceId}/availability': 'Remaining seats of a published service are public, shown before sign-in; read-only and bounded by the stage throttle.',
  'GET /services/{serviceId}/seatmap': 'The seat map of a published service is public, shown before sign-in; read-only and bounded by the stage throttle.',
  'GET /openapi.json': 'The OpenAPI 3.1 description of this API, generated from the request and response schemas: documentation for client developers, no data.',
  'POST /payments/callback':
    "Called by the payment provider, which holds no Cognito token: the function first verifies the provider's HMAC signature over the raw body and its timestamp, answering 401 to an unsigned or stale callback.",
};

/** Actions that accept no resource but `*`, and what needs them. */
const RESOURCELESS_ACTIONS: Readonly<Record<string, string>> = {
  'xray:PutTraceSegments': 'active tracing',
  'xray:PutTelemetryRecords': 'active tracing',
  'xray:GetSamplingRules': 'active tracing',
  'xray:GetSamplingTargets': 'active tracing',
  'dynamodb:ListStreams': 'a DynamoDB stream event source',
  'lambda:ListEventSourceMappings': 'the reconciler counting stopped event source mappings',
};
const BASIC_EXECUTION_ROLE_FINDING = 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]';

/**
 * Runs the AWS Solutions checks over the app at synthesis (a finding fails the
 * synth) and acknowledges, resource by resource, the findings that hold by
 * design, each with the reason it holds there. Call it once the stack is built:
 * the acknowledgments are derived from what the stack contains.
 */
export function applyNagChecks(app: App, stack: TicketingStack): void {
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  acknowledgeUserPool(stack);
  acknowledgePaymentWebhookSecret(stack);
  acknowledgeDataKeys(stack);
  acknowledgePublicRoutes(stack);
  acknowledgeEdge(stack);
  acknowledgeInventoryCallers(stack);
  if (stack.consoleSite) acknowledgeConsoleSiteFindings(stack.consoleSite);
  acknowledgeBackups(stack);
  const constructs = stack.node.findAll();
  const tables = tableLogicalIds(constructs);
  const keys = keyLogicalIds(constructs);
  for (const fn of constructs.filter((c): c is LambdaFunction => c instanceof LambdaFunction)) acknowledgeFunction(fn);
  for (const policy of constructs.filter((c): c is Policy => c instanceof Policy)) acknowledgePolicyWildcards(policy, tables, keys);
  for (const [queue, sources] of findDeadLetterQueues(stack)) acknowledgeDeadLetterQueue(queue, sources);
}

function acknowledge(scope: IConstruct, id: string, reason: string): void {
  Validations.of(scope).acknowledge({ id, reason });
}

function acknowledgeUserPool(stack: TicketingStack): void {
  const pool = stack.identity.userPool;
  acknowledge(
    pool,
    'AwsSolutions-COG2',
    "MFA (an authenticator app) is offered to every user and required of none: passengers sign themselves up to buy tickets, a passenger's token reaches only that passenger's orders, and payment is authorised at the payment provider, never with this token. Admin accounts are added to the admin group by an operator (groups cannot be self-assigned), who enrols their authenticator first (README, Deploy to AWS).",
  );
  acknowledge(
    pool,
    'AwsSolutions-COG8',
    'The passenger pool stays on the Essentials plan: Plus (threat protection) is billed per monthly active user, the pool holds only email addresses and passwords, and Cognito already locks a user out for increasing periods after repeated failed sign-ins.',
  );
}

function acknowledgePaymentWebhookSecret(stack: TicketingStack): void {
  const secret = stack.paymentWebhookSecret.createdSecret;
  if (secret === undefined) return;
  acknowledge(
    secret,
    'AwsSolutions-SMG4',
    "The payment webhook secret is issued by the payment provider, not by us: it is rotated in the provider's dashboard and the new value stored with put-secret-value (README, Deploy to AWS). A Secrets Manager rotation function cannot change the value the provider signs with.",
  );
}

function acknowledgeDataKeys(stack: TicketingStack): void {
  acknowledge(
    stack.dataKeys.passengerIdHashKey,
    'AwsSolutions-SMG4',
    'The passenger-claim hash key is never rotated: active claims in the seat ledger are found by the HMAC under it, so a new value would let a passenger with a ticket claim the same train again. It is encrypted with a customer-managed key that rotates yearly.',
  );
  acknowledge(
    stack.messaging.orderEvents,
    'AwsSolutions-KDS3',
    "order-events carries orders (passengers' names, masked ID numbers): it is encrypted with the stack's customer-managed key, rotated yearly, like the tables and queues it is fed from and feeds, so one key policy governs all of them; the KMS cost per producer and consumer is accepted.",
  );
}

function acknowledgePublicRoutes(stack: TicketingStack): void {
  for (const route of stack.node.findAll().filter((c): c is CfnRoute => c instanceof CfnRoute)) {
    const authorization: unknown = Stack.of(route).resolve(route.authorizationType) ?? 'NONE';
    const reason = PUBLIC_ROUTE_REASONS[route.routeKey];
    if (authorization === 'NONE' && reason !== undefined) acknowledge(route, 'AwsSolutions-APIG4', `${route.routeKey}: ${reason}`);
  }
}

function acknowledgeEdge(stack: TicketingStack): void {
  const distribution = stack.edge?.distribution;
  if (distribution === undefined) return;
  acknowledge(
    distribution,
    'AwsSolutions-CFR1',
    'No geo restriction on the API distribution: travellers buy tickets from abroad too (tourists, business travel); abuse is refused by the WAF per-IP rate rules and the AWS IP reputation list instead of by country.',
  );
  acknowledge(
    distribution,
    'AwsSolutions-CFR3',
    "The API distribution has no CloudFront standard log: the HTTP API stage's JSON access log records every request that reached the API, and the web ACL's CloudWatch metrics and sampled requests record what the edge refused; cache hits are counted in CloudFront's metrics. Standard logs would need an ACL-enabled S3 bucket of their own.",
  );
  acknowledge(
    distribution,
    'AwsSolutions-CFR4',
    "The API distribution answers on its default *.cloudfront.net name, whose certificate CloudFront serves with its own minimum protocol; TLSv1.2_2021 can be required only with a custom domain and an ACM certificate in us-east-1, which is the operator's (README, Deploy to AWS).",
  );
}

function acknowledgeBackups(stack: TicketingStack): void {
  const role = stack.backups.node.tryFindChild('Plan')?.node.tryFindChild('Tables')?.node.tryFindChild('Role');
  if (role === undefined) return;
  acknowledge(
    role,
    'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup]',
    `${pathInStack(role)}: AWSBackupServiceRolePolicyForBackup, maintained by AWS, is what AWS Backup needs to back up the selected tables (dynamodb:CreateBackup, DescribeTable…); AWS keeps it current as the service changes, which a copy of it would not be.`,
  );
}

function acknowledgeInventoryCallers(stack: TicketingStack): void {
  const policy = stack.inventoryCallers.role.node.tryFindChild('DefaultPolicy');
  const document = policy instanceof Policy ? (stack.resolve(policy.document.toJSON()) as { Statement?: Statement[] } | undefined) : undefined;
  for (const resource of (document?.Statement ?? []).flatMap((statement) => asArray(statement.Resource))) {
    const arn = nagResourceName(resource);
    if (policy === undefined || !arn.includes('*')) continue;
    acknowledge(
      policy,
      `AwsSolutions-IAM5[Resource::${arn}]`,
      `${pathInStack(policy)}: the "*" in ${arn} stands for a path parameter (a hold id) in execute-api's ARN of one route of this API's $default stage: a caller of that route may name any hold, which is what the route is for.`,
    );
  }
}

function acknowledgeFunction(fn: LambdaFunction): void {
  const name = pathInStack(fn);
  if (fn.runtime.name === Runtime.NODEJS_22_X.name) {
    acknowledge(
      fn,
      'AwsSolutions-L1',
      `${name} runs on nodejs22.x, an LTS runtime Lambda supports until Node.js 22 reaches end of life: its bundle targets Node 22, which the local cloud and the tests also run on (a devDependency), and the pinned dependencies (middy 6, Powertools 2.35) support it; nodejs24.x is a toolchain upgrade, not a setting.`,
    );
  }
  // Only the role the function created for itself carries the basic execution policy.
  if (fn.role && fn.node.tryFindChild('ServiceRole') === fn.role) {
    acknowledge(
      fn.role,
      BASIC_EXECUTION_ROLE_FINDING,
      `AWSLambdaBasicExecutionRole, maintained by AWS, lets ${name} write its own logs (logs:CreateLogGroup, CreateLogStream, PutLogEvents) and grants nothing else.`,
    );
  }
}

interface Statement {
  readonly Effect?: string;
  readonly Action?: string | string[];
  readonly Resource?: unknown;
}

/**
 * Wildcard resources in a policy that are acceptable by construction: `*` for
 * actions without resource-level permissions (X-Ray, ListStreams) and the
 * `<table>/index/*` that CDK's table grants add. Any other wildcard stays a
 * finding. The document is read with `toJSON()`, which, unlike resolving it,
 * does not freeze it.
 */
function acknowledgePolicyWildcards(policy: Policy, tables: ReadonlyMap<string, string>, keys: ReadonlyMap<string, string>): void {
  const owner = pathInStack(policy.node.scope ?? policy);
  const document = Stack.of(policy).resolve(policy.document.toJSON()) as { Statement?: Statement[] } | undefined;
  const allowed = (document?.Statement ?? []).filter((statement) => statement.Effect === 'Allow');
  acknowledgeKeyActionWildcards(policy, owner, allowed, keys);

  const starActions = [...new Set(allowed.filter((statement) => asArray(statement.Resource).includes('*')).flatMap((statement) => asArray(statement.Action)))];
  if (starActions.length > 0 && starActions.every((action) => typeof action === 'string' && action in RESOURCELESS_ACTIONS)) {
    const needs = [...new Set(starActions.map((action) => RESOURCELESS_ACTIONS[action as string]))].join(' and ');
    acknowledge(
      policy,
      'AwsSolutions-IAM5[Resource::*]',
      `${owner}: IAM grants ${starActions.join(', ')} (for ${needs}) on no resource but "*"; no other action of this policy has a "*" resource.`,
    );
  }

  // A table's index wildcard is excused only if every statement granting on it grants DynamoDB item actions alone.
  const indexGrants = new Map<string, boolean>();
  for (const statement of allowed) {
    const itemActionsOnly = asArray(statement.Action).every((action) => typeof action === 'string' && action.startsWith('dynamodb:') && !action.includes('*'));
    for (const tableId of asArray(statement.Resource).map(indexWildcardTable)) {
      if (tableId !== undefined) indexGrants.set(tableId, (indexGrants.get(tableId) ?? true) && itemActionsOnly);
    }
  }
  for (const [tableId, itemActionsOnly] of indexGrants) {
    const table = tables.get(tableId);
    if (!itemActionsOnly || table === undefined) continue;
    acknowledge(
      policy,
      `AwsSolutions-IAM5[Resource::<${tableId}.Arn>/index/*]`,
      `${owner}: CDK's grant on the ${table} table (${tableId}) also names ${tableId}.Arn/index/*, the table's secondary indexes; the wildcard spans only that table's own indexes, and the actions are DynamoDB item actions, no table administration.`,
    );
  }
}

/**
 * CDK's grants on an encrypted table, stream or queue add `kms:GenerateDataKey*`
 * and `kms:ReEncrypt*` on its key: excused only when every statement granting
 * them names keys of this stack and nothing else.
 */
function acknowledgeKeyActionWildcards(policy: Policy, owner: string, allowed: readonly Statement[], keys: ReadonlyMap<string, string>): void {
  for (const action of KMS_WILDCARD_ACTIONS) {
    const granting = allowed.filter((statement) => asArray(statement.Action).includes(action));
    const onKeys = granting.flatMap((statement) => asArray(statement.Resource).map(keyOfArn));
    if (granting.length === 0 || onKeys.some((key) => key === undefined || !keys.has(key))) continue;
    const named = [...new Set(onKeys.map((key) => keys.get(key as string)))].join(', ');
    acknowledge(
      policy,
      `AwsSolutions-IAM5[Action::${action}]`,
      `${owner}: CDK's grant on a resource encrypted with ${named} adds ${action} (its variants WithoutPlaintext, pair…) on that key alone, which its encrypted data needs.`,
    );
  }
}

function acknowledgeDeadLetterQueue(queue: Queue, sources: IConstruct[]): void {
  // cdk-nag recognises a dead-letter queue named by a redrive policy; other dead-letter targets need saying so.
  if (sources.some((source) => source instanceof Queue)) return;
  acknowledge(
    queue,
    'AwsSolutions-SQS3',
    `${pathInStack(queue)} is itself a dead-letter queue: ${sources.map(pathInStack).join(', ')} parks records that exhausted their retries here (an on-failure destination, not a redrive policy), to be inspected and redriven; a DLQ of a DLQ would only move them again.`,
  );
}

const KMS_WILDCARD_ACTIONS = ['kms:GenerateDataKey*', 'kms:ReEncrypt*'];

/** Logical id → path of every KMS key in the stack. */
function keyLogicalIds(constructs: IConstruct[]): Map<string, string> {
  const found = constructs.filter((c): c is Key => c instanceof Key);
  return new Map(found.map((key) => [Stack.of(key).resolve((key.node.defaultChild as CfnElement).logicalId) as string, pathInStack(key)]));
}

/** The key of `{ "Fn::GetAtt": [key, "Arn"] }`. */
function keyOfArn(resource: unknown): string | undefined {
  const getAtt = isRecord(resource) ? resource['Fn::GetAtt'] : undefined;
  return Array.isArray(getAtt) && getAtt[1] === 'Arn' && typeof getAtt[0] === 'string' ? getAtt[0] : undefined;
}

/** Logical id → path of every DynamoDB table in the stack. */
function tableLogicalIds(constructs: IConstruct[]): Map<string, string> {
  const tables = constructs.filter((c): c is Table | TableV2 => c instanceof Table || c instanceof TableV2);
  return new Map(tables.map((table) => [Stack.of(table).resolve((table.node.defaultChild as CfnElement).logicalId) as string, pathInStack(table)]));
}

/** The table of `{ "Fn::Join": ["", [{ "Fn::GetAtt": [table, "Arn"] }, "/index/*"]] }`, as CDK's table grants write it. */
function indexWildcardTable(resource: unknown): string | undefined {
  const join = isRecord(resource) ? resource['Fn::Join'] : undefined;
  if (!Array.isArray(join) || join[0] !== '' || !Array.isArray(join[1]) || join[1].length !== 2 || join[1][1] !== '/index/*') return undefined;
  const getAtt = isRecord(join[1][0]) ? join[1][0]['Fn::GetAtt'] : undefined;
  return Array.isArray(getAtt) && getAtt[1] === 'Arn' && typeof getAtt[0] === 'string' ? getAtt[0] : undefined;
}

/** A resource as cdk-nag names it in a finding: `Ref` → `<Id>`, `Fn::GetAtt` → `<Id.Attr>`, joined. */
function nagResourceName(resource: unknown): string {
  if (typeof resource === 'string') return resource;
  if (!isRecord(resource)) return JSON.stringify(resource);
  if (typeof resource.Ref === 'string') return `<${resource.Ref}>`;
  const getAtt = resource['Fn::GetAtt'];
  if (Array.isArray(getAtt)) return `<${getAtt.join('.')}>`;
  const join = resource['Fn::Join'];
  if (Array.isArray(join) && Array.isArray(join[1])) return (join[1] as unknown[]).map(nagResourceName).join(String(join[0]));
  return JSON.stringify(resource);
}

function asArray(value: unknown): unknown[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
