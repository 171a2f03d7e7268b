import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { KinesisStreamBatchResponse, KinesisStreamEvent } from 'aws-lambda';
import { sqs } from '../../lib/aws/clients';
import { loadConfig } from '../../lib/aws/config';
import { logger } from '../../lib/http/logger';
import { RefundDispatcher } from '../../lib/refunds/refund-dispatcher';

const { REFUND_OUTBOX_QUEUE_URL } = loadConfig(['REFUND_OUTBOX_QUEUE_URL']);
const dispatcher = new RefundDispatcher(sqs(), REFUND_OUTBOX_QUEUE_URL, { logger });

/** Kinesis `order-events` → one job per refund owed on `refund-outbox`; failures reported per record. */
export const handler = middy<KinesisStreamEvent, KinesisStreamBatchResponse>()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .handler((event) => dispatcher.dispatchBatch(event.Records));
