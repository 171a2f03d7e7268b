import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { GetQueueUrlCommand } from '@aws-sdk/client-sqs';
import { kinesis, sqs } from '../../lib/aws/clients';
import { replayFailures } from '../../lib/aws/failure-replay';

/**
 * `npm run replay -- <queue> [--max N] [--stream order-events]`: replays the
 * pointers a stream consumer's mapping parked in its on-failure queue
 * (`dispatch-tickets-dlq`, `project-order-events-dlq`, `order-relay-dlq`): the
 * records are read back from their stream and put on `order-events` again.
 * It reaches AWS through the SDK's standard configuration: on AWS your
 * credentials and region; locally the `AWS_ENDPOINT_URL_…` lines `npm start` prints.
 */
async function main(): Promise<void> {
  const [name, ...rest] = process.argv.slice(2);
  if (!name) {
    console.error('usage: npm run replay -- <on-failure queue, e.g. dispatch-tickets-dlq> [--max N] [--stream order-events]');
    process.exit(2);
  }
  const flag = (key: string) => (rest.includes(key) ? rest[rest.indexOf(key) + 1] : undefined);
  const max = flag('--max');
  const { QueueUrl } = await sqs().send(new GetQueueUrlCommand({ QueueName: name }));
  const result = await replayFailures({ sqs: sqs(), kinesis: kinesis(), dynamodbStreams: new DynamoDBStreamsClient({}) }, QueueUrl ?? name, {
    orderEventsStream: flag('--stream') ?? 'order-events',
    ...(max === undefined ? {} : { max: Number(max) }),
  });
  console.log(`replayed ${result.pointers} pointer${result.pointers === 1 ? '' : 's'} of ${name}: ${result.records} record${result.records === 1 ? '' : 's'} back on their way`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
