import { z } from 'zod';
import { afterSaleHeadersSchema, changeRequestSchema, refundRequestSchema } from '../after-sale/requests';
import { changeResponseSchema, refundResponseSchema } from '../after-sale/responses';
import { livenessResponseSchema, readinessResponseSchema } from '../health/responses';
import { createHoldSchema, holdPathSchema } from '../ledger/requests';
import { confirmHoldResponseSchema, holdResponseSchema } from '../ledger/responses';
import { PAYMENT_SIGNATURE_HEADER, SIGNATURE_TOLERANCE_SECONDS } from '../orders/constants';
import { createOrderHeadersSchema, createOrderSchema, listOrdersQuerySchema, orderPathSchema, paymentCallbackSchema } from '../orders/requests';
import { cancelOrderResponseSchema, orderListResponseSchema, orderResponseSchema, paymentCallbackResponseSchema } from '../orders/responses';
import { inventoryAvailabilityQuerySchema, rideQuerySchema, searchQuerySchema, seatMapQuerySchema, servicePathSchema } from '../timetable/requests';
import { availabilityResponseSchema, publishServiceResponseSchema, searchServicesResponseSchema, seatMapResponseSchema, stationsResponseSchema } from '../timetable/responses';
import { publishServiceSchema } from '../timetable/service';
import { openApiDocumentResponseSchema } from './responses';
import type { OperationDescription, RouteKey } from './types';

export const TAGS = [
  { name: 'health', description: 'Liveness and readiness probes.' },
  { name: 'documentation', description: 'This description of the API.' },
  { name: 'timetable', description: 'Trains on dates: publish (admins), stations, search, availability and seat maps (public).' },
  { name: 'inventory', description: 'Seat holds for internal callers: IAM-signed on AWS.' },
  { name: 'orders', description: "A traveller's orders: reserve, read, list, cancel." },
  { name: 'payments', description: "The payment provider's signed callbacks." },
] as const;

type Tag = (typeof TAGS)[number]['name'];

/**
 * POST /payments/callback carries its signature in a header the handler reads
 * itself, so that a missing or bad one answers 401 (verifyPaymentSignature), not
 * 400; this schema only describes it.
 */
const paymentCallbackHeadersSchema = z.looseObject({ [PAYMENT_SIGNATURE_HEADER]: z.string().regex(/^t=\d+(,[a-z0-9]+=[0-9a-f]+)+$/) });

/** The header of an answer given again to a request under a used Idempotency-Key. */
const IDEMPOTENT_REPLAYED = { 'Idempotent-Replayed': { description: 'Present when this is the stored answer to an earlier request with the same key.', schema: z.literal('true') } };

const RIDE_PARAMETERS = {
  from: 'The station the ride starts at.',
  to: 'The station the ride ends at; after `from` on the service.',
};

/**
 * Every route's description, by route key. The route table (lib/http/api-routes.ts)
 * says how a route is served; this says what it means. Building the document
 * fails when one has a route the other lacks.
 */
export const OPERATIONS: Readonly<Record<RouteKey, OperationDescription & { tag: Tag }>> = {
  'GET /healthz': {
    operationId: 'getLiveness',
    summary: 'Liveness: the function runs',
    description: 'Touches no dependency (that is /readyz).',
    tag: 'health',
    responses: { 200: { description: 'Alive.', body: livenessResponseSchema } },
    problems: [],
  },
  'GET /readyz': {
    operationId: 'getReadiness',
    summary: 'Readiness: the ledger table, the order-events stream and the ticket outbox answer',
    tag: 'health',
    responses: {
      200: { description: 'Every dependency answered.', body: readinessResponseSchema },
      503: { description: 'Some dependency did not answer; its check says why.', body: readinessResponseSchema },
    },
    problems: [],
  },
  'GET /openapi.json': {
    operationId: 'getOpenApiDocument',
    summary: 'This OpenAPI 3.1 document',
    description: 'Generated from the request and response schemas; `servers` names the host it was asked on.',
    tag: 'documentation',
    responses: { 200: { description: 'The document.', body: openApiDocumentResponseSchema } },
    problems: [],
  },
  'POST /admin/services': {
    operationId: 'publishService',
    summary: 'Publish one train on one date (admins)',
    description:
      'Every class used by a coach needs a fare (integer fen for the whole run; a ride from stop i to j pays round(fare * (j - i) / (stops - 1))). ' +
      'Publishing the identical service again answers 200; a different one under the same id, 409 `conflict`. ' +
      'A `date` before today (railway local time, Asia/Shanghai) answers 400 `validation`.',
    tag: 'timetable',
    request: { body: publishServiceSchema },
    responses: {
      201: { description: 'Published now.', body: publishServiceResponseSchema },
      200: { description: 'The identical service was already published.', body: publishServiceResponseSchema },
    },
    problems: ['validation', 'unauthorized', 'forbidden', 'conflict', 'payload-too-large'],
  },
  'GET /stations': {
    operationId: 'listStations',
    summary: 'Every station of a service departing today or later',
    description: 'For station pickers: each code once, ordered by code, with the name its service gives it. "Today" is railway local time (Asia/Shanghai). May lag a publish by up to 10 s.',
    tag: 'timetable',
    responses: { 200: { description: 'The stations.', body: stationsResponseSchema } },
    problems: [],
  },
  'GET /services': {
    operationId: 'searchServices',
    summary: 'Trains of a day from one station to another, with free seats and fares',
    tag: 'timetable',
    request: { query: searchQuerySchema },
    parameters: { ...RIDE_PARAMETERS, date: 'The departure date (YYYY-MM-DD).' },
    responses: { 200: { description: 'The services stopping at `from` before `to` that day.', body: searchServicesResponseSchema } },
    problems: ['validation'],
  },
  'GET /services/{serviceId}/availability': {
    operationId: 'getServiceAvailability',
    summary: 'Seats free over a ride, per class',
    description: 'A seat counts when it is free over the whole ride right now; expired holds count as free.',
    tag: 'timetable',
    request: { path: servicePathSchema, query: rideQuerySchema },
    parameters: { serviceId: 'The train number and date, e.g. G1_2026-12-01.', ...RIDE_PARAMETERS },
    responses: { 200: { description: 'Free seats and the fare of the ride, per class.', body: availabilityResponseSchema } },
    problems: ['validation', 'not-found'],
  },
  'GET /services/{serviceId}/seatmap': {
    operationId: 'getSeatMap',
    summary: 'Every seat of a service, free or taken over a ride',
    tag: 'timetable',
    request: { path: servicePathSchema, query: seatMapQuerySchema },
    parameters: { serviceId: 'The train number and date, e.g. G1_2026-12-01.', ...RIDE_PARAMETERS, seatClass: 'Only the coaches of this class.' },
    responses: { 200: { description: 'The seat map, coach by coach.', body: seatMapResponseSchema } },
    problems: ['validation', 'not-found'],
  },
  'POST /inventory/holds': {
    operationId: 'createHold',
    summary: 'Hold seats for a ride (internal)',
    description: 'The same holdId again answers the same hold; under another request, 409 `conflict`.',
    tag: 'inventory',
    request: { body: createHoldSchema },
    responses: { 201: { description: 'The seats are held until `expiresAt`.', body: holdResponseSchema } },
    problems: ['validation', 'unauthorized', 'forbidden', 'not-found', 'sold-out', 'sales-closed', 'conflict', 'payload-too-large'],
  },
  'POST /inventory/holds/{holdId}/confirm': {
    operationId: 'confirmHold',
    summary: 'Sell the held seats (internal)',
    description: 'Succeeds after expiry as long as nobody took the seats; idempotent once confirmed.',
    tag: 'inventory',
    request: { path: holdPathSchema },
    responses: { 200: { description: 'The seats are sold.', body: confirmHoldResponseSchema } },
    problems: ['validation', 'unauthorized', 'forbidden', 'not-found', 'invalid-state', 'conflict'],
  },
  'DELETE /inventory/holds/{holdId}': {
    operationId: 'releaseHold',
    summary: 'Give back the held seats (internal)',
    description: 'Idempotent: a hold already released, or never made, answers 204 too. A confirmed hold is not released (409 `invalid-state`).',
    tag: 'inventory',
    request: { path: holdPathSchema },
    responses: { 204: { description: 'Released.' } },
    problems: ['validation', 'unauthorized', 'forbidden', 'invalid-state'],
  },
  'GET /inventory/availability': {
    operationId: 'getInventoryAvailability',
    summary: 'Seats free over a ride, per class (internal)',
    description: 'As GET /services/{serviceId}/availability.',
    tag: 'inventory',
    request: { query: inventoryAvailabilityQuerySchema },
    parameters: { serviceId: 'The train number and date, e.g. G1_2026-12-01.', ...RIDE_PARAMETERS },
    responses: { 200: { description: 'Free seats and the fare of the ride, per class.', body: availabilityResponseSchema } },
    problems: ['validation', 'unauthorized', 'forbidden', 'not-found'],
  },
  'POST /orders': {
    operationId: 'createOrder',
    summary: 'Reserve seats for 1–5 passengers',
    description:
      'Seats, one claim per passenger ID, the order and its idempotency record are written in one transaction. ' +
      'The order is RESERVED until `expiresAt`, then EXPIRED unless paid. ' +
      'The same Idempotency-Key with the same body answers the first response again; with another body, 422 `idempotency-conflict`. ' +
      '429 `limit-reached`, nothing held, when the user already has the most unpaid orders allowed at once (`MAX_UNPAID_ORDERS`) ' +
      'or has cancelled the most orders allowed today (`MAX_CANCELLATIONS_PER_DAY`, Beijing time).',
    tag: 'orders',
    request: { headers: createOrderHeadersSchema, body: createOrderSchema },
    parameters: { 'idempotency-key': '1–64 characters, unique per intended order (a UUID).' },
    responses: {
      201: {
        description: 'Reserved.',
        body: orderResponseSchema,
        headers: IDEMPOTENT_REPLAYED,
      },
    },
    problems: ['validation', 'unauthorized', 'sold-out', 'sales-closed', 'duplicate-passenger', 'conflict', 'payload-too-large', 'idempotency-conflict', 'limit-reached'],
  },
  'GET /orders': {
    operationId: 'listOrders',
    summary: "The caller's orders, newest first",
    description: 'Read from the read model, which may lag a write by a few seconds.',
    tag: 'orders',
    request: { query: listOrdersQuerySchema },
    parameters: { limit: 'Orders per page.', cursor: 'The `nextCursor` of the previous page.' },
    responses: { 200: { description: 'One page of orders.', body: orderListResponseSchema } },
    problems: ['validation', 'unauthorized'],
  },
  'GET /orders/{orderId}': {
    operationId: 'getOrder',
    summary: "One of the caller's orders",
    description: "Read from the read model: an order just created may briefly answer 404. Another user's order answers 404, as one that does not exist.",
    tag: 'orders',
    request: { path: orderPathSchema },
    responses: { 200: { description: 'The order, with its tickets once TICKETED.', body: orderResponseSchema } },
    problems: ['validation', 'unauthorized', 'not-found'],
  },
  'POST /orders/{orderId}/cancel': {
    operationId: 'cancelOrder',
    summary: 'Cancel a RESERVED order; its seats are free at once',
    description:
      'Again on a cancelled order answers the same; from any other state, 409 `invalid-state`. ' +
      'Every cancel counts towards the day’s cap (`MAX_CANCELLATIONS_PER_DAY`, Beijing time), after which POST /orders answers 429 `limit-reached` until the next day.',
    tag: 'orders',
    request: { path: orderPathSchema },
    responses: { 200: { description: 'Cancelled.', body: cancelOrderResponseSchema } },
    problems: ['validation', 'unauthorized', 'not-found', 'invalid-state', 'conflict'],
  },
  'POST /orders/{orderId}/refund': {
    operationId: 'refundTickets',
    summary: 'Refund (退票) some or all ACTIVE tickets of a TICKETED order before its train leaves',
    description:
      'The fee depends on the time left before the ticket departs: ≥ 8 days 0; ≥ 48 h 5 %; ≥ 24 h 10 %; less 20 %, ' +
      'rounded to the nearest 50 fen (25 rounds up), at least 200 fen where a rate applies, never more than the fare. ' +
      'Each seat is free for its ride at once; the order becomes REFUNDED when no ACTIVE ticket is left. The money goes back through the refund outbox. ' +
      'Needs an Idempotency-Key, as POST /orders. Another user’s order answers 404.',
    tag: 'orders',
    request: { path: orderPathSchema, headers: afterSaleHeadersSchema, body: refundRequestSchema },
    parameters: { 'idempotency-key': '1–64 characters, unique per intended refund (a UUID).' },
    responses: {
      200: {
        description: 'Refunded.',
        body: refundResponseSchema,
        headers: IDEMPOTENT_REPLAYED,
      },
    },
    problems: ['validation', 'unauthorized', 'not-found', 'invalid-state', 'conflict', 'payload-too-large', 'idempotency-conflict'],
  },
  'POST /orders/{orderId}/change': {
    operationId: 'changeTicket',
    summary: 'Change (改签) one ticket to another service or class for the same stations',
    description:
      'The new seat is held at once. A dearer ride: the new order is RESERVED for the difference, paid through the payment callback; once it is ticketed the old ticket becomes CHANGED and its seat is freed (unpaid by `expiresAt`, the old ticket stays ACTIVE). ' +
      'A cheaper or equal one: the new order is PAID at once and ticketed, the old ticket CHANGED and freed in the same step, and the difference refunded without fee (`refund.amount`). ' +
      'A ticket is changed once, before it departs (409 `invalid-state`); a full train answers 409 `sold-out` and changes nothing. ' +
      'The new order counts as an unpaid order of the user while it is RESERVED (429 `limit-reached` at `MAX_UNPAID_ORDERS`). Needs an Idempotency-Key.',
    tag: 'orders',
    request: { path: orderPathSchema, headers: afterSaleHeadersSchema, body: changeRequestSchema },
    parameters: { 'idempotency-key': '1–64 characters, unique per intended change (a UUID).' },
    responses: {
      201: {
        description: 'The new order.',
        body: changeResponseSchema,
        headers: IDEMPOTENT_REPLAYED,
      },
    },
    problems: ['validation', 'unauthorized', 'not-found', 'invalid-state', 'sold-out', 'sales-closed', 'duplicate-passenger', 'conflict', 'payload-too-large', 'idempotency-conflict', 'limit-reached'],
  },
  'POST /payments/callback': {
    operationId: 'paymentCallback',
    summary: "The payment provider's report on one payment",
    description:
      'Signed, not authenticated: the signature over the raw body is checked first (401), then the body (400). ' +
      'A matching success pays a RESERVED order (tickets follow asynchronously); one for seats no longer held, or for an EXPIRED order, answers REFUND_REQUIRED. ' +
      'The same paymentId again answers the same and changes nothing.',
    tag: 'payments',
    request: { headers: paymentCallbackHeadersSchema, body: paymentCallbackSchema },
    parameters: { [PAYMENT_SIGNATURE_HEADER]: `\`t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>\`; \`t\` within ${SIGNATURE_TOLERANCE_SECONDS} s of now.` },
    responses: { 200: { description: "The order's status after the payment.", body: paymentCallbackResponseSchema } },
    problems: ['validation', 'unauthorized', 'not-found', 'invalid-state', 'payment-mismatch', 'conflict', 'payload-too-large'],
  },
};
