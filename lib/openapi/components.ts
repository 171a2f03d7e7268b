import type { z } from 'zod';
import { changeRequestSchema, refundRequestSchema } from '../after-sale/requests';
import { changeResponseSchema, refundResponseSchema } from '../after-sale/responses';
import { livenessResponseSchema, readinessResponseSchema } from '../health/responses';
import { problemSchema } from '../http/problem-schema';
import { createHoldSchema } from '../ledger/requests';
import { confirmHoldResponseSchema, holdResponseSchema } from '../ledger/responses';
import { createOrderSchema, paymentCallbackSchema } from '../orders/requests';
import { cancelOrderResponseSchema, orderListResponseSchema, orderResponseSchema, paymentCallbackResponseSchema } from '../orders/responses';
import { availabilityResponseSchema, publishServiceResponseSchema, searchServicesResponseSchema, seatMapResponseSchema, stationsResponseSchema } from '../timetable/responses';
import { publishServiceSchema } from '../timetable/service';
import { openApiDocumentResponseSchema } from './responses';

/** Request bodies by component name; described as clients send them. */
export const REQUEST_COMPONENTS: Readonly<Record<string, z.ZodType>> = {
  PublishServiceRequest: publishServiceSchema,
  CreateHoldRequest: createHoldSchema,
  CreateOrderRequest: createOrderSchema,
  PaymentCallback: paymentCallbackSchema,
  RefundRequest: refundRequestSchema,
  ChangeRequest: changeRequestSchema,
};

/** Response bodies by component name; described as the service writes them. */
export const RESPONSE_COMPONENTS: Readonly<Record<string, z.ZodType>> = {
  Problem: problemSchema,
  Liveness: livenessResponseSchema,
  Readiness: readinessResponseSchema,
  PublishedService: publishServiceResponseSchema,
  StationList: stationsResponseSchema,
  ServiceSearch: searchServicesResponseSchema,
  Availability: availabilityResponseSchema,
  SeatMap: seatMapResponseSchema,
  Hold: holdResponseSchema,
  ConfirmedHold: confirmHoldResponseSchema,
  Order: orderResponseSchema,
  OrderList: orderListResponseSchema,
  CancelledOrder: cancelOrderResponseSchema,
  PaymentResult: paymentCallbackResponseSchema,
  Refund: refundResponseSchema,
  ChangedOrder: changeResponseSchema,
  OpenApiDocument: openApiDocumentResponseSchema,
};
