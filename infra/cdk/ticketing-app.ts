import { App, Tags } from 'aws-cdk-lib';
import { DEFAULT_EDGE_LIMITS, type EdgeLimits } from './api-edge';
import { type ApiThrottles, DEFAULT_API_THROTTLES, type Throttle } from './api-throttles';
import { ensureConsoleBuild } from '../ops/console-build';
import { applyNagChecks } from './nag';
import { PROJECT_ROOT } from './ticketing-function';
import { TicketingStack } from './ticketing-stack';

export interface TicketingAppOptions {
  /** Where the cloud assembly goes; the CLI's CDK_OUTDIR, else a temporary directory. */
  outdir?: string;
  /** Context values; they win over cdk.json and the CLI's --context. */
  context?: Record<string, unknown>;
  /** false skips esbuild bundling (assets point at the sources): fast synth for template tests. @default true */
  bundle?: boolean;
  /**
   * Check the templates against the CloudFormation resource schemas during synth,
   * failing on any error (about 4 s). Tests that only read the template turn it off.
   * @default true
   */
  validate?: boolean;
  /**
   * Run the AWS Solutions checks (cdk-nag) at synthesis: an unacknowledged finding fails the synth.
   * @default the context value `nag` (`cdk synth -c nag=true`), else false
   */
  nag?: boolean;
}

export interface TicketingApp {
  app: App;
  stack: TicketingStack;
}

const DEFAULT_STAGE = 'dev';
/** Where CloudFront-scope WAF web ACLs are created. */
export const EDGE_REGION = 'us-east-1';
/** `npm run deploy:localstack`'s stage. */
const LOCALSTACK_STAGE = 'local';
/** 12306's payment window. */
const DEFAULT_HOLD_TTL_SECONDS = '1800';
/**
 * 12306 lets an account keep one unpaid order; two let a traveller hold both legs
 * of a connecting journey while paying, and still cap one account at 10 held seats
 * (5 passengers an order), so bots cannot hold whole trains.
 */
const DEFAULT_MAX_UNPAID_ORDERS = '2';
/** 12306: after the third cancellation in a day, an account buys nothing more that day. */
const DEFAULT_MAX_CANCELLATIONS_PER_DAY = '3';
/**
 * Where refunds go (`-c refundProviderUrl=…`): the payment provider's refund API.
 * Until one is set, refunds wait in the refund outbox and then its DLQ (alarmed),
 * to be redriven once it is; the local cloud points it at its simulated provider.
 */
const DEFAULT_REFUND_PROVIDER_URL = 'https://payment-provider.invalid/refunds';

/**
 * Builds the CDK app. Used by `cdk synth` (app.ts), the template tests and the
 * local cloud, which synthesizes in-process and reads its topology from the result.
 */
export function createTicketingApp(options: TicketingAppOptions = {}): TicketingApp {
  const app = new App({
    outdir: options.outdir,
    builtinCloudFormationValidation: options.validate ?? true,
    // Defaults: cdk.json and the CLI's --context override them.
    context: {
      // The local cloud finds each function's bundle through this metadata; the CLI sets it too.
      'aws:cdk:enable-asset-metadata': true,
      // A schema violation fails the synth instead of printing a warning.
      '@aws-cdk/core:validateAgainstDefaultRules': true,
    },
    // What the caller passes in-process wins over everything else.
    postCliContext: {
      ...options.context,
      ...(options.bundle === false ? { 'aws:cdk:bundling-stacks': [] } : {}),
    },
  });
  const stage = stringContext(app, 'stage') ?? DEFAULT_STAGE;
  const edge = booleanContext(app, 'edge', true) ? edgeLimits(app) : undefined;
  const stack = new TicketingStack(app, `Ticketing-${stage}`, {
    // A CloudFront web ACL lives in us-east-1 only, and the edge is in this stack: it goes there too (api-edge.ts).
    ...(edge ? { env: { region: EDGE_REGION } } : {}),
    edge,
    throttles: apiThrottles(app),
    stage,
    ephemeral: booleanContext(app, 'ephemeral'),
    namePrefix: stringContext(app, 'namePrefix') ?? '',
    orderSettings: {
      holdTtlSeconds: Number(stringContext(app, 'holdTtlSeconds') ?? DEFAULT_HOLD_TTL_SECONDS),
      maxUnpaidOrders: Number(stringContext(app, 'maxUnpaidOrders') ?? DEFAULT_MAX_UNPAID_ORDERS),
      maxCancellationsPerDay: Number(stringContext(app, 'maxCancellationsPerDay') ?? DEFAULT_MAX_CANCELLATIONS_PER_DAY),
    },
    paymentWebhookSecretArn: stringContext(app, 'paymentWebhookSecretArn'),
    refundProviderUrl: stringContext(app, 'refundProviderUrl') ?? DEFAULT_REFUND_PROVIDER_URL,
    // A new account's concurrency limit (10) leaves nothing to reserve: dev stages reserve only when asked.
    reserveConcurrency: booleanContext(app, 'reserveConcurrency', stage !== DEFAULT_STAGE),
    // The console (S3 + CloudFront) is built and hosted unless `-c console=false`; LocalStack's stage has no CloudFront.
    consoleBuildDir: booleanContext(app, 'console', stage !== LOCALSTACK_STAGE) ? ensureConsoleBuild(PROJECT_ROOT).dir : undefined,
    description: `Ticketing backend (${stage})`,
  });
  Tags.of(app).add('project', 'ticketing');
  Tags.of(app).add('stage', stage);
  if (options.nag ?? booleanContext(app, 'nag')) applyNagChecks(app, stack);
  return { app, stack };
}

/** The limits of api-throttles.ts, each overridable: `-c orderThrottleRate=1500`. */
function apiThrottles(app: App): ApiThrottles {
  const throttle = (prefix: string, fallback: Throttle): Throttle => ({
    rateLimit: numberContext(app, `${prefix}Rate`, fallback.rateLimit),
    burstLimit: numberContext(app, `${prefix}Burst`, fallback.burstLimit),
  });
  const { perRoute, groups, accountRateLimit } = DEFAULT_API_THROTTLES;
  return {
    perRoute: throttle('throttle', perRoute),
    groups: { search: throttle('searchThrottle', groups.search), order: throttle('orderThrottle', groups.order), payment: throttle('paymentThrottle', groups.payment) },
    accountRateLimit: numberContext(app, 'accountRateLimit', accountRateLimit),
  };
}

function edgeLimits(app: App): EdgeLimits {
  return {
    requestsPerIp: numberContext(app, 'wafRequestsPerIp', DEFAULT_EDGE_LIMITS.requestsPerIp),
    ordersPerIp: numberContext(app, 'wafOrdersPerIp', DEFAULT_EDGE_LIMITS.ordersPerIp),
    searchCacheSeconds: numberContext(app, 'searchCacheSeconds', DEFAULT_EDGE_LIMITS.searchCacheSeconds),
  };
}

/** A whole number ≥ 0; `-c key=value` arrives as a string. */
function numberContext(app: App, key: string, fallback: number): number {
  const value: unknown = app.node.tryGetContext(key);
  if (value === undefined || value === null || value === '') return fallback;
  const number = typeof value === 'number' ? value : Number(value);
  if (!Number.isInteger(number) || number < 0) throw new Error(`context ${key} must be a whole number, got ${JSON.stringify(value)}`);
  return number;
}

function stringContext(app: App, key: string): string | undefined {
  const value: unknown = app.node.tryGetContext(key);
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string') throw new Error(`context ${key} must be a string, got ${JSON.stringify(value)}`);
  return value;
}

/** `-c ephemeral=true` arrives as a string, cdk.json and in-process callers pass a boolean. */
function booleanContext(app: App, key: string, fallback = false): boolean {
  const value: unknown = app.node.tryGetContext(key);
  if (value === undefined || value === null) return fallback;
  if (value === false || value === 'false') return false;
  if (value === true || value === 'true') return true;
  throw new Error(`context ${key} must be true or false, got ${JSON.stringify(value)}`);
}
