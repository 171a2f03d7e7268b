import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { dynamoDocumentClient } from '../../lib/aws/clients';
import { loadConfig } from '../../lib/aws/config';
import { passengerData } from '../../lib/aws/passenger-keys';
import { logger } from '../../lib/http/logger';
import { countBusinessEvent, measureBusinessDuration } from '../../lib/observability/business-metrics';
import { SoldSeats } from '../../lib/ledger/sold-seats';
import { OrderStore } from '../../lib/orders/order-store';
import { PassengerClaims } from '../../lib/orders/passenger-claims';
import { TicketIssuer } from '../../lib/tickets/issuer';

const { ORDERS_TABLE_NAME, LEDGER_TABLE_NAME, TICKET_ISSUER_FAIL } = loadConfig(['ORDERS_TABLE_NAME', 'LEDGER_TABLE_NAME', 'TICKET_ISSUER_FAIL']);
const db = dynamoDocumentClient();
const issuer = new TicketIssuer(new OrderStore(db, ORDERS_TABLE_NAME, passengerData({ claims: false })), {
  logger,
  failEveryJob: TICKET_ISSUER_FAIL === 'always',
  count: countBusinessEvent,
  measure: measureBusinessDuration,
  soldSeats: new SoldSeats(db, LEDGER_TABLE_NAME),
  // A dearer change to another train gives back the passenger's claim on the old one: its key is read only then.
  claims: new PassengerClaims(db, LEDGER_TABLE_NAME, passengerData()),
});

/** SQS `ticket-outbox` → tickets for each PAID order, which becomes TICKETED (a change's old ticket CHANGED with it); failures reported per message. */
export const handler = middy<SQSEvent, SQSBatchResponse>()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .handler((event) => issuer.issueBatch(event.Records));
