import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { DescribeStreamSummaryCommand, type KinesisClient } from '@aws-sdk/client-kinesis';
import { GetQueueAttributesCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Config } from '../aws/config';
import { READINESS_CHECKS, type ReadinessCheck } from './constants';

export { READINESS_CHECKS, type ReadinessCheck };

/** Each check is `ok` or says why not (`unreachable: <reason>`, `unavailable: <status>`). */
export interface ReadinessReport {
  ready: boolean;
  checks: Record<ReadinessCheck, string>;
}

export interface ReadinessDependencies {
  dynamodb: DynamoDBDocumentClient;
  kinesis: KinesisClient;
  sqs: SQSClient;
  config: Pick<Config, 'LEDGER_TABLE_NAME' | 'ORDER_EVENTS_STREAM_NAME' | 'TICKET_OUTBOX_QUEUE_URL'>;
  /** Per check; a probe must answer well before the load balancer or client gives up. */
  timeoutMs?: number;
}

export const DEFAULT_CHECK_TIMEOUT_MS = 2000;

/** Resource states in which the resource still serves reads and writes. */
const SERVING_STATES = new Set(['ACTIVE', 'UPDATING']);

const OK = 'ok';

class CheckTimeoutError extends Error {
  override readonly name = 'CheckTimeoutError';
}

/**
 * Builds the readiness probe: the ledger table, the order-events stream and
 * the ticket outbox queue are each asked one cheap control-plane question, in
 * parallel, each bounded by a timeout that also aborts the SDK request.
 * Reasons name the error, never its message (the probe is public).
 */
export function readinessProbe({ dynamodb, kinesis, sqs, config, timeoutMs = DEFAULT_CHECK_TIMEOUT_MS }: ReadinessDependencies): () => Promise<ReadinessReport> {
  const checks: Record<ReadinessCheck, (abortSignal: AbortSignal) => Promise<string>> = {
    dynamodb: async (abortSignal) => {
      const { Table } = await dynamodb.send(new DescribeTableCommand({ TableName: config.LEDGER_TABLE_NAME }), { abortSignal });
      return servingState(Table?.TableStatus);
    },
    kinesis: async (abortSignal) => {
      const { StreamDescriptionSummary } = await kinesis.send(new DescribeStreamSummaryCommand({ StreamName: config.ORDER_EVENTS_STREAM_NAME }), { abortSignal });
      return servingState(StreamDescriptionSummary?.StreamStatus);
    },
    sqs: async (abortSignal) => {
      await sqs.send(new GetQueueAttributesCommand({ QueueUrl: config.TICKET_OUTBOX_QUEUE_URL, AttributeNames: ['QueueArn'] }), { abortSignal });
      return OK;
    },
  };

  return async () => {
    const results = await Promise.all(READINESS_CHECKS.map((name) => runCheck(checks[name], timeoutMs)));
    const report = Object.fromEntries(READINESS_CHECKS.map((name, i) => [name, results[i]])) as Record<ReadinessCheck, string>;
    return { ready: results.every((result) => result === OK), checks: report };
  };
}

function servingState(status: string | undefined): string {
  return status !== undefined && SERVING_STATES.has(status) ? OK : `unavailable: ${status ?? 'unknown status'}`;
}

async function runCheck(check: (abortSignal: AbortSignal) => Promise<string>, timeoutMs: number): Promise<string> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      reject(new CheckTimeoutError(`no answer within ${timeoutMs} ms`));
      controller.abort();
    }, timeoutMs);
  });
  try {
    return await Promise.race([check(controller.signal), timeout]);
  } catch (error) {
    return `unreachable: ${reasonOf(error, timeoutMs)}`;
  } finally {
    clearTimeout(timer);
  }
}

function reasonOf(error: unknown, timeoutMs: number): string {
  if (error instanceof CheckTimeoutError) return `timeout after ${timeoutMs} ms`;
  if (!(error instanceof Error)) return 'unknown error';
  const { code } = error as { code?: unknown };
  return typeof code === 'string' && code !== '' ? code : error.name;
}
