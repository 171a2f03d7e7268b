import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { ScheduledEvent } from 'aws-lambda';
import { orderServices } from '../../lib/aws/order-services';
import { logger } from '../../lib/http';

const orders = orderServices();

/** Every minute (EventBridge): overdue RESERVED orders become EXPIRED and their seats and passengers are freed. */
export const handler = middy<ScheduledEvent, { expired: number }>()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .handler(async () => {
    const expired = await orders.expireOverdue();
    logger.info('expired overdue orders', { expired });
    return { expired };
  });
