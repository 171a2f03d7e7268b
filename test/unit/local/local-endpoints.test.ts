import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import type { LocalEndpoint, LocalRequest } from '../../../infra/local/http-gateway';
import { LocalAuth } from '../../../infra/local/local-auth';
import { localEndpoints } from '../../../infra/local/local-endpoints';
import { verifyPaymentSignature } from '../../../lib/orders/payment-signature';

const SECRET = 'test-webhook-secret';
const ORDER_ID = '0193a8c2-7d4e-7b1a-9f3c-2e5d8a6b4c10';
const NOW_MS = Date.parse('2026-11-25T08:00:00Z');

const dynamodb = mockClient(DynamoDBClient);
const sqs = mockClient(SQSClient);

interface Received {
  path: string;
  signature: string | undefined;
  body: string;
}

/** Stands in for the gateway's POST /payments/callback: checks the signature as the function does and answers. */
class CallbackStandIn {
  readonly received: Received[] = [];
  answer: { status: number; contentType?: string; body: string } = { status: 200, contentType: 'application/json', body: '{}' };
  private readonly server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const signature = req.headers['x-payment-signature'] as string | undefined;
      this.received.push({ path: req.url ?? '', signature, body });
      try {
        verifyPaymentSignature(SECRET, signature, body, NOW_MS / 1000);
      } catch {
        res.statusCode = 401;
        res.end();
        return;
      }
      res.statusCode = this.answer.status;
      if (this.answer.contentType) res.setHeader('content-type', this.answer.contentType);
      res.end(this.answer.body);
    });
  });

  async listen(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

const request = (body: unknown): LocalRequest => ({ body: typeof body === 'string' ? body : JSON.stringify(body), headers: {}, query: new URLSearchParams() });

describe('Endpoint: POST /_local/pay', () => {
  let auth: LocalAuth;
  let callback: CallbackStandIn;
  let pay: LocalEndpoint;

  beforeAll(async () => {
    auth = await LocalAuth.create();
    callback = new CallbackStandIn();
    const url = await callback.listen();
    const endpoints = localEndpoints(auth, {
      payments: { dynamodb: new DynamoDBClient({ region: 'us-east-1' }), ordersTableName: 'OrdersTable', webhookSecret: SECRET, gatewayUrl: () => url, now: () => NOW_MS },
    });
    pay = endpoints['POST /_local/pay'] as LocalEndpoint;
  });

  afterAll(async () => {
    await callback.close();
  });

  beforeEach(() => {
    dynamodb.reset();
    callback.received.length = 0;
    callback.answer = { status: 200, contentType: 'application/json', body: JSON.stringify({ orderId: ORDER_ID, status: 'PAID' }) };
  });

  it("pays the order's own amount: reads it, signs the callback as the provider does and answers what the callback answered", async () => {
    dynamodb.on(GetItemCommand).resolves({ Item: { amount: { N: '55300' } } });

    const response = await pay(request({ orderId: ORDER_ID }));

    expect(response).toEqual({ statusCode: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ orderId: ORDER_ID, status: 'PAID' }) });
    expect(dynamodb).toHaveReceivedCommandWith(GetItemCommand, { TableName: 'OrdersTable', Key: { pk: { S: `ORDER#${ORDER_ID}` }, sk: { S: 'ORDER' } } });
    const [sent] = callback.received;
    expect(sent?.path).toBe('/payments/callback');
    expect(sent?.signature).toMatch(new RegExp(`^t=${NOW_MS / 1000},v1=[0-9a-f]{64}$`));
    expect(JSON.parse(sent?.body ?? '{}')).toEqual({ paymentId: expect.stringMatching(/^[0-9a-f-]{36}$/), orderId: ORDER_ID, amount: 55300, currency: 'CNY', status: 'SUCCEEDED' });
  });

  it('sends the amount and outcome it is given without reading the order, a new payment id each time', async () => {
    callback.answer = { status: 409, contentType: 'application/problem+json', body: JSON.stringify({ type: '/problems/payment-mismatch', status: 409 }) };

    const first = await pay(request({ orderId: ORDER_ID, outcome: 'FAILED', amount: 1 }));
    await pay(request({ orderId: ORDER_ID, outcome: 'FAILED', amount: 1 }));

    expect(first).toMatchObject({ statusCode: 409, headers: { 'content-type': 'application/problem+json' } });
    expect(dynamodb).not.toHaveReceivedCommand(GetItemCommand);
    const [one, two] = callback.received.map((received) => JSON.parse(received.body) as { paymentId: string });
    expect(one).toMatchObject({ amount: 1, status: 'FAILED' });
    expect(one?.paymentId).not.toBe(two?.paymentId);
  });

  it('answers 404 problem+json for an order that does not exist, sending nothing', async () => {
    dynamodb.on(GetItemCommand).resolves({});

    const response = await pay(request({ orderId: 'no-such-order' }));

    expect(response.statusCode).toBe(404);
    expect(response.headers?.['content-type']).toBe('application/problem+json');
    expect(JSON.parse(response.body ?? '{}')).toMatchObject({ type: '/problems/not-found', status: 404 });
    expect(callback.received).toEqual([]);
  });

  it.each([
    ['a body that is not JSON', '{oops'],
    ['no order id', { outcome: 'SUCCEEDED' }],
    ['an unknown outcome', { orderId: ORDER_ID, outcome: 'MAYBE' }],
    ['a fractional amount', { orderId: ORDER_ID, amount: 1.5 }],
    ['an unknown field', { orderId: ORDER_ID, currency: 'USD' }],
  ])('answers 400 problem+json for %s', async (_, body) => {
    const response = await pay(request(body));

    expect(response.statusCode).toBe(400);
    expect(response.headers?.['content-type']).toBe('application/problem+json');
    expect(JSON.parse(response.body ?? '{}')).toMatchObject({ type: '/problems/validation', status: 400 });
    expect(callback.received).toEqual([]);
  });

  it('answers 501 when the template has nothing to pay through', async () => {
    const unavailable = localEndpoints(auth)['POST /_local/pay'] as LocalEndpoint;

    expect((await unavailable(request({ orderId: ORDER_ID }))).statusCode).toBe(501);
  });
});

describe('Endpoint: POST /_local/faults', () => {
  let auth: LocalAuth;

  beforeAll(async () => {
    auth = await LocalAuth.create();
  });

  function withControls() {
    const switched: string[] = [];
    const faults = localEndpoints(auth, {
      faults: {
        ticketIssuer: (up) => switched.push(`ticketIssuer ${up ? 'up' : 'down'}`),
        waitlistFulfiller: (up) => switched.push(`waitlistFulfiller ${up ? 'up' : 'down'}`),
        eventStream: (up) => switched.push(`eventStream ${up ? 'up' : 'down'}`),
        refundProvider: (mode) => switched.push(`refundProvider ${mode}`),
      },
    })['POST /_local/faults'] as LocalEndpoint;
    return { faults, switched };
  }

  it('switches each fault named and answers 204 with no body', async () => {
    const { faults, switched } = withControls();

    const down = await faults(request({ ticketIssuer: 'down', eventStream: 'down' }));
    const up = await faults(request({ eventStream: 'up' }));

    expect(down).toEqual({ statusCode: 204 });
    expect(up).toEqual({ statusCode: 204 });
    expect(switched).toEqual(['ticketIssuer down', 'eventStream down', 'eventStream up']);
  });

  it('pauses and resumes the waitlist fulfiller', async () => {
    const { faults, switched } = withControls();

    expect(await faults(request({ waitlistFulfiller: 'down' }))).toEqual({ statusCode: 204 });
    expect(await faults(request({ waitlistFulfiller: 'up' }))).toEqual({ statusCode: 204 });
    expect(switched).toEqual(['waitlistFulfiller down', 'waitlistFulfiller up']);
  });

  it("sets the simulated payment provider's mode", async () => {
    const { faults, switched } = withControls();

    expect(await faults(request({ refundProvider: 'lose-answers' }))).toEqual({ statusCode: 204 });
    expect(await faults(request({ refundProvider: 'sideways' }))).toMatchObject({ statusCode: 400 });
    expect(switched).toEqual(['refundProvider lose-answers']);
  });

  it('answers 204 to an empty object, switching nothing', async () => {
    const { faults, switched } = withControls();

    expect(await faults(request({}))).toEqual({ statusCode: 204 });
    expect(switched).toEqual([]);
  });

  it.each([
    ['a body that is not JSON', 'down'],
    ['an unknown state', { ticketIssuer: 'off' }],
    ['an unknown fault', { database: 'down' }],
    ['a list', ['ticketIssuer']],
    ['a boolean state', { eventStream: false }],
  ])('answers 400 problem+json for %s, switching nothing', async (_, body) => {
    const { faults, switched } = withControls();

    const response = await faults(request(body));

    expect(response.statusCode).toBe(400);
    expect(response.headers?.['content-type']).toBe('application/problem+json');
    expect(JSON.parse(response.body ?? '{}')).toMatchObject({ type: '/problems/validation', status: 400 });
    expect(switched).toEqual([]);
  });

  it('answers 501 for a fault the template has nothing to switch for, switching nothing else', async () => {
    const switched: string[] = [];
    const faults = localEndpoints(auth, { faults: { eventStream: (up) => switched.push(String(up)) } })['POST /_local/faults'] as LocalEndpoint;

    const response = await faults(request({ eventStream: 'down', ticketIssuer: 'down' }));

    expect(response.statusCode).toBe(501);
    expect(JSON.parse(response.body ?? '{}')).toMatchObject({ type: '/problems/not-implemented', detail: expect.stringContaining('ticket-outbox') });
    expect(switched).toEqual([]);
  });
});

describe('Endpoint: GET /_local/queues', () => {
  beforeEach(() => {
    sqs.reset();
  });

  it('counts the visible and in-flight messages of every queue, by name', async () => {
    sqs
      .on(GetQueueAttributesCommand, { QueueUrl: 'http://sqs/ticket-outbox' })
      .resolves({ Attributes: { ApproximateNumberOfMessages: '3', ApproximateNumberOfMessagesNotVisible: '1' } })
      .on(GetQueueAttributesCommand, { QueueUrl: 'http://sqs/ticket-outbox-dlq' })
      .resolves({ Attributes: { ApproximateNumberOfMessages: '0', ApproximateNumberOfMessagesNotVisible: '0' } });
    const queues = localEndpoints(await LocalAuth.create(), {
      queues: {
        sqs: new SQSClient({ region: 'us-east-1' }),
        queues: [
          { name: 'ticket-outbox', url: 'http://sqs/ticket-outbox' },
          { name: 'ticket-outbox-dlq', url: 'http://sqs/ticket-outbox-dlq' },
        ],
      },
    })['GET /_local/queues'] as LocalEndpoint;

    const response = await queues(request(''));

    expect(response.statusCode).toBe(200);
    expect(response.headers?.['content-type']).toBe('application/json');
    expect(JSON.parse(response.body ?? '{}')).toEqual({ 'ticket-outbox': { visible: 3, inFlight: 1 }, 'ticket-outbox-dlq': { visible: 0, inFlight: 0 } });
    expect(sqs).toHaveReceivedCommandWith(GetQueueAttributesCommand, {
      QueueUrl: 'http://sqs/ticket-outbox',
      AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
    });
  });
});

describe('Endpoint: GET /_local/metrics', () => {
  it('answers what the metrics source reports at the time of the request, never cached', async () => {
    let invocations = 1;
    const metrics = localEndpoints(await LocalAuth.create(), { metrics: () => ({ functions: [{ name: 'Fn', invocations }], calls: null }) })['GET /_local/metrics'] as LocalEndpoint;

    invocations = 2;
    const response = await metrics(request(''));

    expect(response.statusCode).toBe(200);
    expect(response.headers).toMatchObject({ 'content-type': 'application/json', 'cache-control': 'no-store' });
    expect(JSON.parse(response.body ?? '{}')).toEqual({ functions: [{ name: 'Fn', invocations: 2 }], calls: null });
  });

  it('answers 501 when there is nothing to report', async () => {
    const metrics = localEndpoints(await LocalAuth.create())['GET /_local/metrics'] as LocalEndpoint;

    expect((await metrics(request(''))).statusCode).toBe(501);
  });
});

describe('Endpoint: GET /_local/refunds', () => {
  it('answers what the simulated provider received at the time of the request', async () => {
    const refunds = localEndpoints(await LocalAuth.create(), { refunds: () => ({ refunds: [{ refundId: 'r-1', orderId: 'o-1', paymentId: 'p-1', amount: 100 }], requests: 2 }) })['GET /_local/refunds'] as LocalEndpoint;

    const response = await refunds(request(''));

    expect(response.statusCode).toBe(200);
    expect(JSON.parse(response.body ?? '{}')).toEqual({ refunds: [{ refundId: 'r-1', orderId: 'o-1', paymentId: 'p-1', amount: 100 }], requests: 2 });
  });

  it('answers 501 without a simulated provider', async () => {
    const refunds = localEndpoints(await LocalAuth.create())['GET /_local/refunds'] as LocalEndpoint;

    expect((await refunds(request(''))).statusCode).toBe(501);
  });
});
