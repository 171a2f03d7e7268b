import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { KinesisStreamBatchResponse, KinesisStreamEvent } from 'aws-lambda';
import { dynamoDocumentClient } from '../../lib/aws/clients';
import { loadConfig } from '../../lib/aws/config';
import { logger } from '../../lib/http/logger';
import { OrderViewStore } from '../../lib/views/order-view-store';
import { OrderProjector } from '../../lib/views/projector';

const { ORDER_VIEW_TABLE_NAME } = loadConfig(['ORDER_VIEW_TABLE_NAME']);
const projector = new OrderProjector(new OrderViewStore(dynamoDocumentClient(), ORDER_VIEW_TABLE_NAME), { logger });

/** Kinesis `order-events` → the order-view table, newer versions only; failures reported per record. */
export const handler = middy<KinesisStreamEvent, KinesisStreamBatchResponse>()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .handler((event) => projector.projectBatch(event.Records));
