import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { dynamoDocumentClient } from '../../lib/aws/clients';
import { loadConfig } from '../../lib/aws/config';
import { passengerData } from '../../lib/aws/passenger-keys';
import { logger } from '../../lib/http/logger';
import { countBusinessEvent } from '../../lib/observability/business-metrics';
import { OrderStore } from '../../lib/orders/order-store';
import { TicketIssuer } from '../../lib/tickets/issuer';

const { ORDERS_TABLE_NAME, TICKET_ISSUER_FAIL } = loadConfig(['ORDERS_TABLE_NAME', 'TICKET_ISSUER_FAIL']);
const issuer = new TicketIssuer(new OrderStore(dynamoDocumentClient(), ORDERS_TABLE_NAME, passengerData({ claims: false })), { logger, failEveryJob: TICKET_ISSUER_FAIL === 'always', count: countBusinessEvent });

/** SQS `ticket-outbox` → tickets for each PAID order, which becomes TICKETED; failures reported per message. */
export const handler = middy<SQSEvent, SQSBatchResponse>()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .handler((event) => issuer.issueBatch(event.Records));
