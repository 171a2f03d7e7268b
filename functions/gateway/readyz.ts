import { dynamoDocumentClient, kinesis, sqs } from '../../lib/aws/clients';
import { loadConfig } from '../../lib/aws/config';
import { readinessProbe } from '../../lib/health/readiness';
import { httpHandler, json, logger } from '../../lib/http';

const probe = readinessProbe({
  dynamodb: dynamoDocumentClient(),
  kinesis: kinesis(),
  sqs: sqs(),
  config: loadConfig(['LEDGER_TABLE_NAME', 'ORDER_EVENTS_STREAM_NAME', 'TICKET_OUTBOX_QUEUE_URL']),
});

/** Readiness: 200 when every dependency answers, else 503 with the same shape naming the failing check. */
export const handler = httpHandler({ auth: 'public' }, async () => {
  const { ready, checks } = await probe();
  if (!ready) logger.warn('not ready', { checks });
  return json(ready ? 200 : 503, { status: ready ? 'ready' : 'not-ready', checks }, { 'cache-control': 'no-store' });
});
