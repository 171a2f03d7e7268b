import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { kinesis } from '../../lib/aws/clients';
import { loadConfig } from '../../lib/aws/config';
import { OrderEventPublisher } from '../../lib/events/order-event-publisher';
import { OrderRelay } from '../../lib/events/order-relay';
import { logger } from '../../lib/http/logger';

const { ORDER_EVENTS_STREAM_NAME } = loadConfig(['ORDER_EVENTS_STREAM_NAME']);
const relay = new OrderRelay(new OrderEventPublisher(kinesis(), ORDER_EVENTS_STREAM_NAME), { logger });

/** The orders table's stream → `order-events`: one event per order version, failures reported per record. */
export const handler = middy<DynamoDBStreamEvent, DynamoDBBatchResponse>()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .handler((event) => relay.relay(event.Records));
