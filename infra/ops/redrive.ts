import { sqs } from '../../lib/aws/clients';
import { queuePair, redrive } from '../../lib/aws/queue-redrive';

/**
 * `npm run redrive -- <queue> [--max N]`: moves the messages of `<queue>-dlq` back
 * to `<queue>`. It reaches SQS through the SDK's standard configuration: on AWS
 * your credentials and region; locally `AWS_ENDPOINT_URL_SQS` (printed by `npm start`).
 */
async function main(): Promise<void> {
  const [name, ...rest] = process.argv.slice(2);
  if (!name) {
    console.error('usage: npm run redrive -- <queue name, e.g. ticket-outbox> [--max N]');
    process.exit(2);
  }
  const maxFlag = rest.indexOf('--max');
  const max = maxFlag >= 0 ? Number(rest[maxFlag + 1]) : undefined;
  const client = sqs();
  const { source, deadLetters } = await queuePair(client, name);
  const { moved } = await redrive(client, deadLetters, source, max === undefined ? {} : { max });
  console.log(`moved ${moved} message${moved === 1 ? '' : 's'} from ${name}-dlq back to ${name}`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
