import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { KinesisStreamBatchResponse, KinesisStreamEvent } from 'aws-lambda';
import { waitlistFulfiller } from '../../lib/aws/order-services';
import { logger } from '../../lib/http/logger';

const fulfiller = waitlistFulfiller();

/** Kinesis `order-events` → seats freed by a release sold to the WAITING orders of that service and class; failures reported per record. */
export const handler = middy<KinesisStreamEvent, KinesisStreamBatchResponse>()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .handler((event) => fulfiller.handleBatch(event.Records));
