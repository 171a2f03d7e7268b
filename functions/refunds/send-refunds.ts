import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { dynamoDocumentClient } from '../../lib/aws/clients';
import { loadConfig } from '../../lib/aws/config';
import { logger } from '../../lib/http/logger';
import { countBusinessEvent } from '../../lib/observability/business-metrics';
import { HttpRefundProvider } from '../../lib/refunds/payment-provider';
import { RefundSender } from '../../lib/refunds/refund-sender';

const { ORDERS_TABLE_NAME, REFUND_PROVIDER_URL } = loadConfig(['ORDERS_TABLE_NAME', 'REFUND_PROVIDER_URL']);
const sender = new RefundSender(dynamoDocumentClient(), ORDERS_TABLE_NAME, new HttpRefundProvider(REFUND_PROVIDER_URL), { logger, count: countBusinessEvent });

/** SQS `refund-outbox` → each refund sent to the payment provider once; failures reported per message. */
export const handler = middy<SQSEvent, SQSBatchResponse>()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .handler((event) => sender.sendBatch(event.Records));
