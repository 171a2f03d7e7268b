import { startLocalCloudProcess, type LocalCloudProcess } from '../helpers/local-cloud';

/** The local cloud's failure-drill switches and queue counts (API.md, "Local cloud only"), over HTTP. */
describe('Local cloud: POST /_local/faults and GET /_local/queues', () => {
  let cloud: LocalCloudProcess;

  beforeAll(async () => {
    cloud = await startLocalCloudProcess();
  }, 120_000);

  afterAll(async () => {
    await cloud?.stop();
  }, 30_000);

  async function call(path: string, init: RequestInit = {}): Promise<{ status: number; contentType: string; text: string }> {
    const response = await fetch(`${cloud.url}${path}`, init);
    return { status: response.status, contentType: response.headers.get('content-type') ?? '', text: await response.text() };
  }

  const faults = (body: unknown) =>
    call('/_local/faults', { method: 'POST', headers: { 'content-type': 'application/json' }, body: typeof body === 'string' ? body : JSON.stringify(body) });

  it('counts the visible and in-flight messages of every queue, the ticket outbox and its dead-letter queue among them', async () => {
    const response = await call('/_local/queues');

    expect(response.status).toBe(200);
    expect(response.contentType).toMatch(/^application\/json/);
    const queues = JSON.parse(response.text) as Record<string, { visible: number; inFlight: number }>;
    expect(queues).toMatchObject({
      'ticket-outbox': { visible: expect.any(Number), inFlight: expect.any(Number) },
      'ticket-outbox-dlq': { visible: expect.any(Number), inFlight: expect.any(Number) },
    });
    for (const counts of Object.values(queues)) expect(Object.keys(counts).sort()).toEqual(['inFlight', 'visible']);
  });

  it('takes the ticket issuer and the event stream down and up again, answering 204 with no body', async () => {
    const answers = [
      await faults({ ticketIssuer: 'down' }),
      await faults({ eventStream: 'down' }),
      await faults({ ticketIssuer: 'up', eventStream: 'up' }),
      await faults({}),
    ];

    expect(answers.map((answer) => [answer.status, answer.text])).toEqual([
      [204, ''],
      [204, ''],
      [204, ''],
      [204, ''],
    ]);
    expect(cloud.output()).toMatch(/fault: ticket issuer down/);
    expect(cloud.output()).toMatch(/fault: event stream up/);
  });

  it.each([
    ['a body that is not JSON', 'ticketIssuer=down'],
    ['an unknown state', { ticketIssuer: 'off' }],
    ['an unknown fault', { database: 'down' }],
    ['a state that is not a string', { eventStream: true }],
  ])('answers 400 problem+json for %s', async (_, body) => {
    const response = await faults(body);

    expect(response.status).toBe(400);
    expect(response.contentType).toBe('application/problem+json');
    expect(JSON.parse(response.text)).toMatchObject({ type: '/problems/validation', status: 400 });
  });
});
