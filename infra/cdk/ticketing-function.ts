import { join, resolve } from 'node:path';
import { Duration, type RemovalPolicy } from 'aws-cdk-lib';
import { Architecture, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { LogLevel, NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { DataKeys } from './data-keys';

/** The repository root: entries, the lock file and tsconfig are resolved from here, whatever the working directory. */
export const PROJECT_ROOT = resolve(__dirname, '..', '..');

export const SERVICE_NAME = 'ticketing';
export const METRICS_NAMESPACE = 'Ticketing';

/**
 * How esbuild turns the sources into a function's code. `keepNames`: minified
 * classes and functions keep their names, so an error logs as
 * `TicketJobOrderMissingError`, not `e`, and `new.target.name` in the error base
 * classes means what it says.
 */
export const BUNDLE_CODE = {
  // Lambda's runtime, and the Node the local cloud runs (a devDependency).
  target: 'node22',
  minify: true,
  keepNames: true,
} as const;

export interface TicketingFunctionProps {
  /** The entry file relative to the repository root; it exports `handler`. */
  readonly entry: string;
  readonly description?: string;
  /** @default 256 */
  readonly memorySize?: number;
  /** @default 10 seconds, an API function's budget */
  readonly timeout?: Duration;
  /** Resource names this function needs, on top of the shared Powertools settings. */
  readonly environment?: Record<string, string>;
  readonly logRetention?: RetentionDays;
  /** Reserved concurrency (infra/cdk/concurrency.ts); unreserved by default. */
  readonly reservedConcurrentExecutions?: number;
  readonly logRemovalPolicy: RemovalPolicy;
}

/**
 * A Lambda function with the settings every ticketing function shares: Node.js 22
 * on arm64, a self-contained CommonJS bundle built by the local esbuild (the AWS
 * SDK inside it, so the local cloud can run the very bytes that deploy on Node 22),
 * source maps, active tracing and a log group with a retention.
 */
export class TicketingFunction extends NodejsFunction {
  constructor(scope: Construct, id: string, props: TicketingFunctionProps) {
    const logGroup = new LogGroup(scope, `${id}Logs`, {
      retention: props.logRetention ?? RetentionDays.ONE_MONTH,
      removalPolicy: props.logRemovalPolicy,
      encryptionKey: DataKeys.of(scope).logs,
    });
    super(scope, id, {
      entry: join(PROJECT_ROOT, props.entry),
      handler: 'handler',
      projectRoot: PROJECT_ROOT,
      depsLockFilePath: join(PROJECT_ROOT, 'package-lock.json'),
      description: props.description,
      runtime: Runtime.NODEJS_22_X,
      architecture: Architecture.ARM_64,
      memorySize: props.memorySize ?? 256,
      timeout: props.timeout ?? Duration.seconds(10),
      tracing: Tracing.ACTIVE,
      reservedConcurrentExecutions: props.reservedConcurrentExecutions,
      logGroup,
      environment: {
        NODE_OPTIONS: '--enable-source-maps',
        POWERTOOLS_SERVICE_NAME: SERVICE_NAME,
        POWERTOOLS_LOG_LEVEL: 'INFO',
        POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
        ...props.environment,
      },
      bundling: {
        format: OutputFormat.CJS,
        ...BUNDLE_CODE,
        sourceMap: true,
        sourcesContent: false,
        externalModules: [],
        forceDockerBundling: false,
        logLevel: LogLevel.ERROR,
      },
    });
  }
}
