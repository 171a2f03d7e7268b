import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { KinesisStreamBatchResponse, KinesisStreamEvent } from 'aws-lambda';
import { sqs } from '../../lib/aws/clients';
import { loadConfig } from '../../lib/aws/config';
import { logger } from '../../lib/http/logger';
import { TicketDispatcher } from '../../lib/tickets/dispatcher';

const { TICKET_OUTBOX_QUEUE_URL } = loadConfig(['TICKET_OUTBOX_QUEUE_URL']);
const dispatcher = new TicketDispatcher(sqs(), TICKET_OUTBOX_QUEUE_URL, { logger });

/** Kinesis `order-events` → one ticket job per OrderPaid on `ticket-outbox`; failures reported per record. */
export const handler = middy<KinesisStreamEvent, KinesisStreamBatchResponse>()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .handler((event) => dispatcher.dispatchBatch(event.Records));
