import { randomUUID } from 'node:crypto';
import { type LocalCloudProcess, startLocalCloudProcess } from '../helpers/local-cloud';
import { daysFromNow, nextTrainNo, smallService } from '../helpers/services';
import { eventually } from '../helpers/eventually';

let cloud: LocalCloudProcess;
let admin: string;
let user: string;

beforeAll(async () => {
  cloud = await startLocalCloudProcess();
  admin = await cloud.token('ops', true);
  user = await cloud.token('alice');
});

afterAll(async () => {
  await cloud?.stop();
});

interface Answer {
  status: number;
  type: string | null;
  body: Record<string, any>;
}

async function call(method: string, path: string, options: { token?: string; body?: unknown; raw?: string } = {}): Promise<Answer> {
  const response = await fetch(`${cloud.url}${path}`, {
    method,
    headers: { ...(options.token ? { authorization: `Bearer ${options.token}` } : {}), 'content-type': 'application/json' },
    ...(options.raw !== undefined ? { body: options.raw } : options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
  });
  const text = await response.text();
  return { status: response.status, type: response.headers.get('content-type'), body: text ? JSON.parse(text) : {} };
}

const secondClassFree = async (serviceId: string, from = 'VNP', to = 'AOH') =>
  (await call('GET', `/services/${serviceId}/availability?from=${from}&to=${to}`)).body.classes?.second?.available as number;
/** Availability and the seat map are served from the occupancy snapshot, which follows the ledger within about a second. */
const eventuallyFree = (serviceId: string, seats: number, from = 'VNP', to = 'AOH') => eventually(async () => expect(await secondClassFree(serviceId, from, to)).toBe(seats), 10_000, 100);

describe('HTTP API: timetable and inventory on the local cloud', () => {
  it('publishes, holds, shows fewer seats, releases and shows them again', async () => {
    const service = smallService({ rows: 4 });
    const published = await call('POST', '/admin/services', { token: admin, body: service });
    expect(published).toMatchObject({ status: 201, body: { serviceId: `${service.trainNo}_${service.date}`, seats: 20 } });
    const { serviceId } = published.body;
    expect((await call('POST', '/admin/services', { token: admin, body: service })).status).toBe(200);
    await eventuallyFree(serviceId, 20);

    const holdId = randomUUID();
    const hold = await call('POST', '/inventory/holds', { token: admin, body: { holdId, serviceId, from: 'TXP', to: 'NKH', seatClass: 'second', count: 3, ttlSeconds: 900 } });
    expect(hold).toMatchObject({ status: 201, body: { holdId, seats: expect.any(Array), expiresAt: expect.any(String) } });
    expect(hold.body.seats).toHaveLength(3);
    await eventuallyFree(serviceId, 17);
    await eventuallyFree(serviceId, 20, 'VNP', 'TXP');

    const seatMap = await call('GET', `/services/${serviceId}/seatmap?from=TXP&to=JGK&seatClass=second`);
    const taken = seatMap.body.coaches[0].seats.filter((s: { free: boolean }) => !s.free).map((s: { seat: string }) => s.seat);
    expect(taken.sort()).toEqual(hold.body.seats.map((s: { seat: string }) => s.seat).sort());

    expect((await call('DELETE', `/inventory/holds/${holdId}`, { token: admin })).status).toBe(204);
    expect((await call('DELETE', `/inventory/holds/${holdId}`, { token: admin })).status).toBe(204);
    await eventuallyFree(serviceId, 20);
  });

  it('confirms a hold for good and answers the same hold to a retried hold id', async () => {
    const { body } = await call('POST', '/admin/services', { token: admin, body: smallService({ rows: 1 }) });
    const request = { holdId: randomUUID(), serviceId: body.serviceId, from: 'VNP', to: 'AOH', seatClass: 'second', count: 2, ttlSeconds: 900 };

    const first = await call('POST', '/inventory/holds', { token: admin, body: request });
    const retried = await call('POST', '/inventory/holds', { token: admin, body: request });
    const confirmed = await call('POST', `/inventory/holds/${request.holdId}/confirm`, { token: admin });

    expect(retried.body).toEqual(first.body);
    expect(confirmed).toMatchObject({ status: 200, body: { status: 'CONFIRMED' } });
    await eventuallyFree(body.serviceId, 3);
    expect((await call('DELETE', `/inventory/holds/${request.holdId}`, { token: admin })).body).toMatchObject({ type: '/problems/invalid-state' });
    const soldOut = await call('POST', '/inventory/holds', { token: admin, body: { ...request, holdId: randomUUID(), count: 4 } });
    expect(soldOut).toMatchObject({ status: 409, type: 'application/problem+json', body: { type: '/problems/sold-out' } });
  });

  it('finds a published train by date and stations, with the fare pro rata', async () => {
    const service = smallService({ trainNo: nextTrainNo(), date: daysFromNow(17) });
    await call('POST', '/admin/services', { token: admin, body: service });

    const { status, body } = await call('GET', `/services?from=JGK&to=AOH&date=${service.date}`);

    expect(status).toBe(200);
    expect(body.services).toContainEqual(expect.objectContaining({ trainNo: service.trainNo, classes: { second: { available: 10, fare: 27650 } } }));
  });

  describe('bad input answers 4xx problem+json and changes nothing', () => {
    let serviceId: string;

    beforeAll(async () => {
      serviceId = (await call('POST', '/admin/services', { token: admin, body: smallService({ rows: 1 }) })).body.serviceId;
    });

    const hold = (overrides: Record<string, unknown>) => ({ holdId: randomUUID(), serviceId, from: 'VNP', to: 'AOH', seatClass: 'second', count: 1, ttlSeconds: 900, ...overrides });

    it.each([
      ['malformed JSON', { raw: '{"holdId": ' }, 400, 'validation'],
      ['a count of the wrong type', { body: hold({ count: 'two' }) }, 400, 'validation'],
      ['an unknown station', { body: hold({ to: 'XXX' }) }, 400, 'validation'],
      ['from after to', { body: hold({ from: 'AOH', to: 'VNP' }) }, 400, 'validation'],
      ['a class the train does not have', { body: hold({ seatClass: 'business' }) }, 400, 'validation'],
      ['an oversized body', { raw: JSON.stringify(hold({ padding: 'x'.repeat(70_000) })) }, 413, 'payload-too-large'],
    ])('refuses a hold with %s', async (_case, request, status, problem) => {
      const answer = await call('POST', '/inventory/holds', { token: admin, ...request });

      expect(answer).toMatchObject({ status, type: 'application/problem+json', body: { type: `/problems/${problem}`, status } });
      await eventuallyFree(serviceId, 5);
    });

    it('refuses a hold without a token (401) and with a traveller token (403)', async () => {
      expect(await call('POST', '/inventory/holds', { body: hold({}) })).toMatchObject({ status: 401, type: 'application/problem+json' });
      expect(await call('POST', '/inventory/holds', { token: user, body: hold({}) })).toMatchObject({ status: 403, type: 'application/problem+json' });
      await eventuallyFree(serviceId, 5);
    });

    it('refuses publishing by a traveller (403), a malformed service (400) and another definition under a taken id (409)', async () => {
      const service = smallService({ rows: 1 });
      expect((await call('POST', '/admin/services', { token: user, body: service })).status).toBe(403);
      expect((await call('POST', '/admin/services', { token: admin, body: { ...service, trainNo: 'g1' } })).body).toMatchObject({ type: '/problems/validation', errors: [{ path: 'trainNo' }] });
      expect((await call('POST', '/admin/services', { token: admin, body: service })).status).toBe(201);
      expect((await call('POST', '/admin/services', { token: admin, body: { ...service, fares: { second: 1 } } })).body).toMatchObject({ status: 409, type: '/problems/conflict' });
    });

    it('answers 404 for an unknown service and 400 for bad query strings', async () => {
      expect((await call('GET', '/services/G9999_2026-12-01/availability?from=VNP&to=AOH')).body).toMatchObject({ status: 404, type: '/problems/not-found' });
      expect((await call('GET', `/services/${serviceId}/availability?from=VNP`)).body).toMatchObject({ status: 400, errors: [{ path: 'to' }] });
      expect((await call('GET', '/services?from=VNP&to=AOH&date=31-12-2026')).status).toBe(400);
    });
  });
});
