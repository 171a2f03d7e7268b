import { demoTimetable } from '../../infra/local/demo-timetable';
import { railwayDate } from '../../lib/timetable/departure';
import { useLocalCloud } from '../helpers/local-cloud';

interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
}

async function call(url: string, init: RequestInit = {}): Promise<{ status: number; contentType: string; body: unknown }> {
  const response = await fetch(url, init);
  const text = await response.text();
  return { status: response.status, contentType: response.headers.get('content-type') ?? '', body: text === '' ? undefined : JSON.parse(text) };
}

describe('Local cloud: npm start -- --memory', () => {
  // Metered, as the benches run it: GET /_local/metrics counts each call by the function that made it.
  const cloud = useLocalCloud({ LOCAL_METER: '1' });

  it('answers /healthz', async () => {
    // Act
    const response = await call(`${cloud().url}/healthz`);

    // Assess
    expect(response).toMatchObject({ status: 200, body: { status: 'ok' } });
  });

  it('is ready, with every dependency checked, once the demo timetable is seeded', async () => {
    // Act
    const response = await call(`${cloud().url}/readyz`);

    // Assess
    expect(response).toMatchObject({ status: 200, body: { status: 'ready', checks: { dynamodb: 'ok', kinesis: 'ok', sqs: 'ok' } } });
  });

  it('meters the calls of each function under its logical id, without the SDK warning about an app id over 50 characters', async () => {
    // Arrange: the readiness check calls DynamoDB, Kinesis and SQS from its function
    await call(`${cloud().url}/readyz`);

    // Act
    const response = await call(`${cloud().url}/_local/metrics`);

    // Assess
    const calls = (response.body as { calls: Record<string, Record<string, unknown>> }).calls;
    expect(Object.keys(calls.dynamodb ?? {})).toContainEqual(expect.stringMatching(/^ApiReadyzFunction[0-9A-F]{8}$/));
    expect(cloud().output()).not.toContain('userAgentAppId exceeds the maximum length');
  });

  it('serves its OpenAPI 3.1 document at /openapi.json, listing /orders, with itself as the server', async () => {
    // Act
    const response = await call(`${cloud().url}/openapi.json`);

    // Assess
    expect(response).toMatchObject({ status: 200, contentType: 'application/json', body: { openapi: '3.1.0', servers: [{ url: cloud().url }] } });
    expect(Object.keys((response.body as { paths: Record<string, Record<string, unknown>> }).paths['/orders'] ?? {}).sort()).toEqual(['get', 'post']);
  });

  it('issues tokens from POST /_local/token', async () => {
    // Act
    const response = await call(`${cloud().url}/_local/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ sub: 'alice' }),
    });

    // Assess
    expect(response.status).toBe(200);
    expect((response.body as { token: string }).token.split('.')).toHaveLength(3);
  });

  it('refuses a token request without a subject with 400 problem+json', async () => {
    // Act
    const response = await call(`${cloud().url}/_local/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ admin: true }),
    });

    // Assess
    expect(response.status).toBe(400);
    expect(response.contentType).toBe('application/problem+json');
    expect(response.body).toMatchObject({ type: '/problems/validation', status: 400 });
  });

  it('answers 401 problem+json on a JWT route called without a token', async () => {
    // Act
    const response = await call(`${cloud().url}/admin/services`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });

    // Assess
    expect(response.status).toBe(401);
    expect(response.contentType).toBe('application/problem+json');
    expect(response.body).toMatchObject({ type: '/problems/unauthorized', status: 401 });
  });

  it('answers 401 problem+json to a forged token', async () => {
    // Prepare
    const [header, payload] = (await cloud().token('mallory', true)).split('.');

    // Act
    const response = await call(`${cloud().url}/admin/services`, {
      method: 'POST',
      headers: { authorization: `Bearer ${header}.${payload}.c2lnbmF0dXJl`, 'content-type': 'application/json' },
      body: '{}',
    });

    // Assess
    expect(response).toMatchObject({ status: 401, body: { type: '/problems/unauthorized' } });
  });

  it('answers 403 problem+json on an internal (IAM) route called with a user token', async () => {
    // Prepare
    const token = await cloud().token('bob');

    // Act
    const response = await call(`${cloud().url}/inventory/availability?serviceId=G1_2030-01-01&from=VNP&to=AOH`, {
      headers: { authorization: `Bearer ${token}` },
    });

    // Assess
    expect(response.status).toBe(403);
    expect(response.contentType).toBe('application/problem+json');
    expect(response.body).toMatchObject({ type: '/problems/forbidden', status: 403 });
  });

  it('answers 404 problem+json to an unknown route', async () => {
    // Act
    const response = await call(`${cloud().url}/no/such/route`);

    // Assess
    expect(response.status).toBe(404);
    expect(response.contentType).toBe('application/problem+json');
    expect((response.body as Problem).type).toBe('/problems/not-found');
  });

  it('lists the seeded demo trains from Beijing South to Shanghai Hongqiao today (railway local time)', async () => {
    // Prepare
    const today = railwayDate(Date.now());

    // Act
    const response = await call(`${cloud().url}/services?from=VNP&to=AOH&date=${today}`);

    // Assess
    expect(response.status).toBe(200);
    const { services } = response.body as { services: Array<{ trainNo: string; classes: Record<string, { available: number; fare: number }> }> };
    expect(services.map((service) => service.trainNo).sort()).toEqual(['G1', 'G3', 'G5', 'G7']);
    expect(services[0]?.classes.second).toEqual({ available: 255, fare: 55300 });
  });

  it('republishes a seeded service idempotently: 200', async () => {
    // Prepare
    const token = await cloud().token('admin', true);
    const [first] = demoTimetable();

    // Act
    const response = await call(`${cloud().url}/admin/services`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(first),
    });

    // Assess
    expect(response).toMatchObject({ status: 200, body: { serviceId: `${first?.trainNo}_${first?.date}` } });
  });
});
