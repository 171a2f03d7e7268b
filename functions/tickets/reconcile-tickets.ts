import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { ScheduledEvent } from 'aws-lambda';
import { dynamoDocumentClient, lambda, sqs } from '../../lib/aws/clients';
import { loadConfig } from '../../lib/aws/config';
import { passengerData } from '../../lib/aws/passenger-keys';
import { stoppedEventSourceMappings } from '../../lib/aws/event-source-mappings';
import { logger } from '../../lib/http/logger';
import { recordGauge } from '../../lib/observability/business-metrics';
import { OrderStore } from '../../lib/orders/order-store';
import { TicketDispatcher } from '../../lib/tickets/dispatcher';
import { TicketReconciler } from '../../lib/tickets/reconciler';

const { ORDERS_TABLE_NAME, TICKET_OUTBOX_QUEUE_URL, EVENT_SOURCE_MAPPING_FUNCTIONS } = loadConfig(['ORDERS_TABLE_NAME', 'TICKET_OUTBOX_QUEUE_URL', 'EVENT_SOURCE_MAPPING_FUNCTIONS']);
const reconciler = new TicketReconciler(new OrderStore(dynamoDocumentClient(), ORDERS_TABLE_NAME, passengerData({ claims: false })), new TicketDispatcher(sqs(), TICKET_OUTBOX_QUEUE_URL, { logger }), { logger });

/** Every five minutes (EventBridge): PAID orders left without tickets are sent to the outbox again; stopped event source mappings are counted. */
export const handler = middy<ScheduledEvent, { unticketed: number; stoppedMappings?: number }>()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .handler(async () => {
    const { unticketed } = await reconciler.reconcile();
    recordGauge('PaidOrdersUnticketed', unticketed);
    if (EVENT_SOURCE_MAPPING_FUNCTIONS.length === 0) return { unticketed };
    const { stopped, mappings } = await stoppedEventSourceMappings(lambda(), EVENT_SOURCE_MAPPING_FUNCTIONS);
    recordGauge('EventSourceMappingsDisabled', stopped);
    if (stopped > 0) logger.warn('event source mappings are stopped: their sources pile up unread', { mappings });
    return { unticketed, stoppedMappings: stopped };
  });
