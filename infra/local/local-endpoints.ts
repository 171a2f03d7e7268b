import { randomUUID } from 'node:crypto';
import { GetItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetQueueAttributesCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { z } from 'zod';
import { ORDER_CURRENCY, PAYMENT_SIGNATURE_HEADER } from '../../lib/orders/constants';
import { signPayment } from '../../lib/orders/payment-signature';
import { problem, type GatewayResponse, type LocalEndpoint } from './http-gateway';
import { tokenRequestSchema, type LocalAuth } from './local-auth';
import type { RefundProviderMode } from './refund-provider';

/**
 * The local cloud's own endpoints (shared/API.md, "Local cloud only"), never
 * deployed. Keyed as the gateway looks them up: `METHOD /path`.
 */
export interface LocalEndpointsOptions {
  /** What POST /_local/pay needs; without it (no callback route in the template) it answers 501. */
  payments?: LocalPaymentsOptions;
  /** What POST /_local/faults switches; a fault without its control answers 501. */
  faults?: LocalFaultControls;
  /** What GET /_local/queues reports; without it, 501. */
  queues?: LocalQueuesOptions;
  /** What GET /_local/metrics reports: the runtime's counters, and the emulators' calls when metered. */
  metrics?: () => unknown;
  /** What GET /_local/refunds reports: the refunds the simulated payment provider received. */
  refunds?: () => unknown;
}

/** Switches for the failure drill: `true` is up (working), `false` down. */
export interface LocalFaultControls {
  /** Pauses or resumes the ticket issuer's queue mapping(s); absent when the template has none. */
  ticketIssuer?: (up: boolean) => void;
  /** Pauses or resumes the waitlist fulfiller's order-events mapping; absent when the template has none. */
  waitlistFulfiller?: (up: boolean) => void;
  /** Makes every publish to Kinesis fail, or go through again. */
  eventStream?: (up: boolean) => void;
  /** The simulated payment provider's refund API: up, down (503), or recording refunds but losing its answers. */
  refundProvider?: (mode: RefundProviderMode) => void;
}

export interface LocalQueuesOptions {
  sqs: SQSClient;
  /** Every SQS queue of the template, dead-letter queues included. */
  queues: ReadonlyArray<{ name: string; url: string }>;
}

export interface LocalPaymentsOptions {
  dynamodb: DynamoDBClient;
  /** The orders table (the template's OrdersTable) as provisioned. */
  ordersTableName: string;
  /** The PAYMENT_WEBHOOK_SECRET the callback function verifies with. */
  webhookSecret: string;
  /** The gateway's own URL, known once it listens. */
  gatewayUrl: () => string;
  /** @default Date.now */
  now?: () => number;
}

export function localEndpoints(auth: LocalAuth, options: LocalEndpointsOptions = {}): Record<string, LocalEndpoint> {
  return {
    'POST /_local/token': tokenEndpoint(auth),
    'POST /_local/pay': options.payments ? payEndpoint(options.payments) : paymentsUnavailable,
    'POST /_local/faults': faultsEndpoint(options.faults ?? {}),
    'GET /_local/queues': options.queues ? queuesEndpoint(options.queues) : queuesUnavailable,
    'GET /_local/metrics': options.metrics ? metricsEndpoint(options.metrics) : metricsUnavailable,
    'GET /_local/refunds': options.refunds ? metricsEndpoint(options.refunds) : refundsUnavailable,
  };
}

/** `{ "sub": "alice", "admin"?: true }` → `{ "token" }`, a Cognito-like access token. */
function tokenEndpoint(auth: LocalAuth): LocalEndpoint {
  return async ({ body }) => {
    const parsed = parseBody(body, tokenRequestSchema, '{ "sub": "alice", "admin"?: true }');
    if (!parsed.ok) return parsed.response;
    return { statusCode: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token: await auth.issue(parsed.data) }) };
  };
}

export const payRequestSchema = z.strictObject({
  orderId: z.string().min(1).max(128),
  outcome: z.enum(['SUCCEEDED', 'FAILED']).optional(),
  amount: z.int().min(0).optional(),
});

const PAY_REQUEST_SHAPE = '{ "orderId": "…", "outcome"?: "SUCCEEDED" | "FAILED", "amount"?: <fen> }';

/**
 * `{ orderId, outcome?, amount? }` → the provider's callback, signed and sent to
 * the gateway's own POST /payments/callback; answers what the callback answered.
 * Without an amount, the order's own amount is paid (an unknown order is 404).
 */
function payEndpoint(options: LocalPaymentsOptions): LocalEndpoint {
  const now = options.now ?? Date.now;
  return async ({ body }) => {
    const parsed = parseBody(body, payRequestSchema, PAY_REQUEST_SHAPE);
    if (!parsed.ok) return parsed.response;
    const { orderId, outcome = 'SUCCEEDED' } = parsed.data;

    let amount = parsed.data.amount;
    if (amount === undefined) {
      const { Item: item } = await options.dynamodb.send(
        new GetItemCommand({
          TableName: options.ordersTableName,
          Key: { pk: { S: `ORDER#${orderId}` }, sk: { S: 'ORDER' } },
          ProjectionExpression: 'amount',
          ConsistentRead: true,
        }),
      );
      if (!item) return problem(404, 'not-found', 'Not Found', `no order ${orderId}`);
      amount = Number(item.amount?.N);
      if (!Number.isSafeInteger(amount)) return problem(409, 'invalid-state', 'Conflict', `order ${orderId} has no amount to pay; send one`);
    }

    const payment = { paymentId: randomUUID(), orderId, amount, currency: ORDER_CURRENCY, status: outcome };
    const rawBody = JSON.stringify(payment);
    const response = await fetch(`${options.gatewayUrl()}/payments/callback`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        [PAYMENT_SIGNATURE_HEADER]: signPayment(options.webhookSecret, rawBody, Math.floor(now() / 1000)),
      },
      body: rawBody,
    });
    const answer: GatewayResponse = { statusCode: response.status, body: await response.text() };
    const contentType = response.headers.get('content-type');
    return contentType ? { ...answer, headers: { 'content-type': contentType } } : answer;
  };
}

export const faultsRequestSchema = z.strictObject({
  ticketIssuer: z.enum(['down', 'up']).optional(),
  waitlistFulfiller: z.enum(['down', 'up']).optional(),
  eventStream: z.enum(['down', 'up']).optional(),
  refundProvider: z.enum(['down', 'up', 'lose-answers']).optional(),
});

const FAULTS_REQUEST_SHAPE = '{ "ticketIssuer"?: "down" | "up", "waitlistFulfiller"?: "down" | "up", "eventStream"?: "down" | "up", "refundProvider"?: "down" | "up" | "lose-answers" }';

/**
 * `{ ticketIssuer?, waitlistFulfiller?, eventStream? }` → 204 once every fault named is switched.
 * A fault this template has nothing to switch for answers 501 and switches
 * nothing.
 */
function faultsEndpoint(controls: LocalFaultControls): LocalEndpoint {
  return async ({ body }) => {
    const parsed = parseBody(body, faultsRequestSchema, FAULTS_REQUEST_SHAPE);
    if (!parsed.ok) return parsed.response;
    const switches: Array<() => void> = [];
    for (const fault of ['ticketIssuer', 'waitlistFulfiller', 'eventStream'] as const) {
      const state = parsed.data[fault];
      if (state === undefined) continue;
      const control = controls[fault];
      if (!control) return problem(501, 'not-implemented', 'Not Implemented', FAULT_UNAVAILABLE[fault]);
      switches.push(() => control(state === 'up'));
    }
    const refundMode = parsed.data.refundProvider;
    if (refundMode !== undefined) {
      const control = controls.refundProvider;
      if (!control) return problem(501, 'not-implemented', 'Not Implemented', FAULT_UNAVAILABLE.refundProvider);
      switches.push(() => control(refundMode));
    }
    for (const flip of switches) flip();
    return { statusCode: 204 };
  };
}

const FAULT_UNAVAILABLE = {
  ticketIssuer: 'this template has no SQS event source mapping on the ticket-outbox queue to pause',
  waitlistFulfiller: 'this template has no waitlist fulfiller on order-events to pause',
  eventStream: 'this local cloud has no Kinesis endpoint of its own to fail',
  refundProvider: 'this local cloud simulates no payment provider',
};

/** `{ "<queue name>": { "visible": n, "inFlight": n } }` for every queue of the template. */
function queuesEndpoint(options: LocalQueuesOptions): LocalEndpoint {
  return async () => {
    const counts = await Promise.all(
      options.queues.map(async ({ name, url }) => {
        const { Attributes: attributes = {} } = await options.sqs.send(
          new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }),
        );
        return [name, { visible: Number(attributes.ApproximateNumberOfMessages ?? 0), inFlight: Number(attributes.ApproximateNumberOfMessagesNotVisible ?? 0) }] as const;
      }),
    );
    return { statusCode: 200, headers: { 'content-type': 'application/json', 'cache-control': 'no-store' }, body: JSON.stringify(Object.fromEntries(counts)) };
  };
}

function metricsEndpoint(metrics: () => unknown): LocalEndpoint {
  return async () => ({ statusCode: 200, headers: { 'content-type': 'application/json', 'cache-control': 'no-store' }, body: JSON.stringify(metrics()) });
}

const metricsUnavailable: LocalEndpoint = async () => problem(501, 'not-implemented', 'Not Implemented', 'no metrics to report');

const refundsUnavailable: LocalEndpoint = async () => problem(501, 'not-implemented', 'Not Implemented', 'this local cloud simulates no payment provider');

const queuesUnavailable: LocalEndpoint = async () => problem(501, 'not-implemented', 'Not Implemented', 'no queues to report');

const paymentsUnavailable: LocalEndpoint = async () =>
  problem(501, 'not-implemented', 'Not Implemented', 'this template has no POST /payments/callback route (or no OrdersTable) to pay through');

function parseBody<T extends z.ZodType>(
  body: string,
  schema: T,
  shape: string,
): { ok: true; data: z.output<T> } | { ok: false; response: GatewayResponse } {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return { ok: false, response: problem(400, 'validation', 'Bad Request', `the body must be JSON: ${shape}`) };
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const errors = parsed.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message }));
    return { ok: false, response: problem(400, 'validation', 'Bad Request', `expected ${shape}`, errors) };
  }
  return { ok: true, data: parsed.data };
}
