import { App, Tags } from 'aws-cdk-lib';
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
/** `npm run deploy:localstack`'s stage. */
const LOCALSTACK_STAGE = 'local';
/** 12306's payment window. */
const DEFAULT_HOLD_TTL_SECONDS = '1800';

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
  const stack = new TicketingStack(app, `Ticketing-${stage}`, {
    stage,
    ephemeral: booleanContext(app, 'ephemeral'),
    namePrefix: stringContext(app, 'namePrefix') ?? '',
    orderSettings: {
      holdTtlSeconds: Number(stringContext(app, 'holdTtlSeconds') ?? DEFAULT_HOLD_TTL_SECONDS),
    },
    paymentWebhookSecretArn: stringContext(app, 'paymentWebhookSecretArn'),
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
