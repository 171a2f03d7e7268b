import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { AwsClientStub } from 'aws-sdk-client-mock';

/** Shard pollers' timings in milliseconds instead of seconds, so their unit tests run fast. */
export const FAST_SHARD_POLLING = { pollIntervalMs: 5, shardDiscoveryIntervalMs: 10, backoff: { initialMs: 1, maxMs: 5 } } as const;

/** The JSON bodies a poller sent to its on-failure queue, in order. */
export function sentMessageBodies(sqs: AwsClientStub<SQSClient>): Record<string, any>[] {
  return sqs.commandCalls(SendMessageCommand).map((call) => JSON.parse(call.args[0].input.MessageBody ?? '{}') as Record<string, any>);
}
