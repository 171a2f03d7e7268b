import type { Browser, BrowserContext, Page } from 'playwright-core';
import { railwayDate } from '../../lib/timetable/stations';
import { launchBrowser, screenshot, seriousAccessibilityViolations } from '../helpers/browser';
import { eventually } from '../helpers/eventually';
import { type LocalCloudProcess, startLocalCloudProcess } from '../helpers/local-cloud';
import { residentId } from '../helpers/resident-ids';
import { nextTrainNo, smallService } from '../helpers/services';

/**
 * The web console in real headless Chromium against `npm start -- --memory`: one
 * local cloud and one browser for the whole file; each test its own browser
 * context (its own session storage, so its own sign-in). Screenshots of every
 * screen go to test-artifacts/console/.
 */
let cloud: LocalCloudProcess;
let browser: Browser;
let admin: string;

const DAY_MS = 86_400_000;
/** Tomorrow in railway local time: today's early trains may have left already. */
const tomorrow = railwayDate(Date.now() + DAY_MS);
/** Passenger numbers unique across this file (one ID per passenger per service). */
let passengers = 500;
const passenger = () => ({ name: `旅客${++passengers}`, idNumber: residentId(passengers) });

beforeAll(async () => {
  // Assigned one by one: if the cloud fails to start, afterAll still closes the browser.
  const launching = launchBrowser().then((launched) => (browser = launched));
  cloud = await startLocalCloudProcess();
  await launching;
  admin = await cloud.token('ops', true);
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await cloud?.stop();
}, 30_000);

async function call(method: string, path: string, options: { token?: string; body?: unknown; accept?: string } = {}) {
  const response = await fetch(`${cloud.url}${path}`, {
    method,
    headers: {
      accept: options.accept ?? 'application/json',
      ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
      ...(options.body !== undefined ? { 'content-type': 'application/json', 'idempotency-key': crypto.randomUUID() } : {}),
    },
    ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
  });
  const text = await response.text();
  const isJson = (response.headers.get('content-type') ?? '').includes('json');
  return { status: response.status, headers: response.headers, text, body: (isJson && text ? JSON.parse(text) : {}) as Record<string, any> };
}

async function publish(service: ReturnType<typeof smallService>): Promise<string> {
  const published = await call('POST', '/admin/services', { token: admin, body: service });
  expect(published.status).toBe(201);
  return published.body.serviceId as string;
}

async function newPage(): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
  const page = await context.newPage();
  return { context, page };
}

async function expectAccessible(page: Page): Promise<void> {
  expect(await seriousAccessibilityViolations(page)).toEqual([]);
}

/** Signs in through the panel the page shows (locally: a name). */
async function signInOnPage(page: Page, name: string, options: { admin?: boolean } = {}): Promise<void> {
  const panel = page.locator('section.sign-in');
  await panel.locator('input[name="sub"]').fill(name);
  if (options.admin !== undefined) await panel.locator('input[name="admin"]').setChecked(options.admin);
  await panel.locator('button[type="submit"]').click();
}

async function fillPassenger(page: Page, index: number, who: { name: string; idNumber: string }): Promise<void> {
  await page.locator(`input[name="passenger-${index}-name"]`).fill(who.name);
  await page.locator(`input[name="passenger-${index}-id"]`).fill(who.idNumber);
}

/** Searches tomorrow's trains until the service's second class shows sold out; answers its row. */
async function searchUntilSoldOut(page: Page, serviceId: string) {
  const row = page.locator(`tr[data-service="${serviceId}"]`);
  // The search reads an occupancy snapshot that may lag a hold by up to 2 s.
  await eventually(
    async () => {
      await page.goto(`${cloud.url}/?from=VNP&to=AOH&date=${tomorrow}`);
      await expect(row.locator('.sold-out').textContent({ timeout: 10_000 })).resolves.toBe('无票');
    },
    30_000,
    1_000,
  );
  return row;
}

const rideUrl = (serviceId: string, seatClass = 'second', from = 'VNP', to = 'AOH') => `${cloud.url}/ride/${serviceId}?from=${from}&to=${to}&seatClass=${seatClass}`;

describe('Web console: served by the local cloud', () => {
  it('serves the console at /, its pages by path, and leaves the API routes alone', async () => {
    const home = await call('GET', '/', { accept: 'text/html' });
    expect(home.status).toBe(200);
    expect(home.headers.get('content-type')).toMatch(/^text\/html/);
    expect(home.text).toContain('<div id="app">');
    const script = /src="(\/assets\/[^"]+\.js)"/.exec(home.text)?.[1];
    expect(script).toBeDefined();
    const asset = await call('GET', script ?? '', { accept: '*/*' });
    expect(asset.status).toBe(200);
    expect(asset.headers.get('cache-control')).toContain('immutable');

    expect((await call('GET', '/my-orders/o-1', { accept: 'text/html' })).text).toBe(home.text);
    expect((await call('GET', '/config.json')).body).toEqual({ apiUrl: '', auth: { mode: 'local' } });
    // An API route keeps answering as the API, whatever the browser accepts.
    expect(await call('GET', '/orders', { accept: 'text/html' })).toMatchObject({ status: 401, body: { type: '/problems/unauthorized' } });
    expect(await call('GET', '/no-such-thing')).toMatchObject({ status: 404, body: { type: '/problems/not-found' } });
    expect((await call('GET', '/..%2f..%2fpackage.json', { accept: '*/*' })).status).toBe(404);
  });

  it('GET /stations lists the seeded stations and, within its 10 s cache, a newly published one', async () => {
    const listed = await call('GET', '/stations');
    expect(listed.status).toBe(200);
    expect(listed.headers.get('cache-control')).toBe('public, max-age=10');
    expect(listed.body.stations).toEqual(expect.arrayContaining([{ code: 'VNP', name: 'Beijing South' }, { code: 'AOH', name: 'Shanghai Hongqiao' }]));

    const service = smallService({ date: tomorrow });
    service.stops[1] = { station: 'XZE', name: 'Xuzhou East', arrives: '09:35', departs: '09:37' };
    await publish(service);
    await eventually(async () => expect((await call('GET', '/stations')).body.stations).toContainEqual({ code: 'XZE', name: 'Xuzhou East' }), 20_000, 1_000);
  });
});

describe('Web console: traveller', () => {
  it('searches, picks a seat letter on the seat map, signs in, orders, pays and gets the ticket; then lists the order', async () => {
    const { context, page } = await newPage();
    await page.goto(`${cloud.url}/`);
    await page.locator('select[name="from"]').waitFor();
    await screenshot(page, '01-home');
    await expectAccessible(page);

    await page.locator('input[name="date"]').fill(tomorrow);
    await page.locator('.search-form button[type="submit"]').click();
    const row = page.locator(`tr[data-service="G1_${tomorrow}"]`);
    await row.waitFor();
    await screenshot(page, '02-search-results');
    await expectAccessible(page);

    await row.locator('a[href*="seatClass=second"]').click();
    await page.locator('.seat-map .coach').first().waitFor();
    await page.locator('.coach').first().locator('[data-letter="F"] .letter').click();
    await expect(page.locator('.chosen').textContent()).resolves.toContain('F');
    const traveller = passenger();
    await fillPassenger(page, 0, traveller);
    await screenshot(page, '03-seat-map');
    await expectAccessible(page);

    await page.getByRole('button', { name: '提交订单' }).click();
    await page.locator('section.sign-in').waitFor();
    await signInOnPage(page, 'li-lei');
    await page.waitForURL(/\/my-orders\//);
    const orderId = page.url().split('/').pop() ?? '';
    await expect(page.locator('.status-badge').first().getAttribute('data-status')).resolves.toBe('RESERVED');
    await expect(page.locator('[role="timer"]').textContent()).resolves.toMatch(/\d\d:\d\d/);
    await screenshot(page, '04-order-reserved');
    await expectAccessible(page);

    await page.getByRole('button', { name: /立即支付/ }).click();
    await page.locator('.ticket').waitFor({ timeout: 90_000 });
    await expect(page.locator('h1 .status-badge').getAttribute('data-status')).resolves.toBe('TICKETED');
    await expect(page.locator('.ticket').textContent()).resolves.toMatch(new RegExp(`${traveller.name}.*\\d\\dF`));
    await screenshot(page, '05-tickets');
    await expectAccessible(page);

    await page.getByRole('link', { name: '我的订单' }).click();
    await page.locator(`tr[data-order="${orderId}"]`).waitFor();
    await screenshot(page, '06-my-orders');
    await expectAccessible(page);
    await context.close();
  }, 240_000);

  it('pages through the order list ten at a time', async () => {
    const token = await cloud.token('han-meimei');
    const serviceId = await publish(smallService({ date: tomorrow, rows: 4 }));
    for (let i = 0; i < 11; i++) {
      const order = await call('POST', '/orders', { token, body: { serviceId, from: 'VNP', to: 'AOH', seatClass: 'second', passengers: [passenger()] } });
      expect(order.status).toBe(201);
      // Paid, so the next order is not past the unpaid orders one user may keep.
      expect((await call('POST', '/_local/pay', { body: { orderId: order.body.orderId } })).status).toBe(200);
    }
    // Every order in the read model first (each payment and ticket is one more event for it to follow).
    await eventually(async () => expect((await call('GET', '/orders?limit=20', { token })).body.orders).toHaveLength(11), 60_000, 1_000);
    const { context, page } = await newPage();
    await page.goto(`${cloud.url}/my-orders`);
    await signInOnPage(page, 'han-meimei');

    await eventually(async () => expect(await page.locator('tr[data-order]').count()).toBe(10), 30_000, 1_000).catch(async () => {
      await page.reload();
      await page.locator('tr[data-order]').first().waitFor();
    });
    await expect(page.getByRole('button', { name: '上一页' }).isDisabled()).resolves.toBe(true);
    await page.getByRole('button', { name: '下一页' }).click();
    await eventually(async () => expect(await page.locator('tr[data-order]').count()).toBe(1), 10_000, 250);
    await expect(page.locator('.pager').textContent()).resolves.toContain('第 2 页');
    await screenshot(page, '07-my-orders-page-2');
    await context.close();
  });

  it('refuses a bad ID number inline, before anything is sent, and shows the API refusing a duplicate passenger', async () => {
    const { context, page } = await newPage();
    const serviceId = await publish(smallService({ date: tomorrow }));
    const requests: string[] = [];
    page.on('request', (request) => {
      if (request.method() === 'POST') requests.push(request.url());
    });
    await page.goto(rideUrl(serviceId));
    await page.locator('.seat-map').waitFor();

    await fillPassenger(page, 0, { name: '王五', idNumber: '110101199003070012' });
    await page.getByRole('button', { name: '提交订单' }).click();
    await expect(page.locator('#passenger-0-id-error').textContent()).resolves.toContain('校验位不正确');
    await expect(page.locator('input[name="passenger-0-id"]').getAttribute('aria-invalid')).resolves.toBe('true');
    expect(requests).toEqual([]);
    await screenshot(page, '08-bad-id-number');

    const traveller = passenger();
    const token = await cloud.token('wang-wu');
    expect((await call('POST', '/orders', { token, body: { serviceId, from: 'VNP', to: 'AOH', seatClass: 'second', passengers: [traveller] } })).status).toBe(201);
    await fillPassenger(page, 0, traveller);
    await page.getByRole('button', { name: '提交订单' }).click();
    await signInOnPage(page, 'wang-wu');
    const problem = page.locator('form [role="alert"].problem');
    await problem.waitFor();
    await expect(problem.textContent()).resolves.toMatch(/该乘车人已有本车次的车票或占座[\s\S]*409/);
    await screenshot(page, '09-duplicate-passenger');
    await context.close();
  });

  it('shows a sold-out ride as such in the search, and the API refusing an order for it', async () => {
    const service = smallService({ date: tomorrow, rows: 1, letters: ['A'] });
    const serviceId = await publish(service);
    const token = await cloud.token('zhang-san');
    expect((await call('POST', '/orders', { token, body: { serviceId, from: 'VNP', to: 'AOH', seatClass: 'second', passengers: [passenger()] } })).status).toBe(201);

    const { context, page } = await newPage();
    const row = await searchUntilSoldOut(page, serviceId);
    await expect(row.locator('a.book').count()).resolves.toBe(0);
    await screenshot(page, '10-sold-out-search');

    await page.goto(rideUrl(serviceId));
    await page.locator('.seat-map').waitFor();
    await expect(page.locator('[data-seat="1A"], [data-seat="01A"]').first().isDisabled()).resolves.toBe(true);
    await fillPassenger(page, 0, passenger());
    await page.getByRole('button', { name: '提交订单' }).click();
    await signInOnPage(page, 'zhang-san');
    const problem = page.locator('form [role="alert"].problem');
    await problem.waitFor();
    await expect(problem.textContent()).resolves.toMatch(/余票不足，已售完[\s\S]*409/);
    await screenshot(page, '11-sold-out-order');
    await context.close();
  });

  it('speaks English on request and says so when the API cannot be reached', async () => {
    const { context, page } = await newPage();
    await page.goto(`${cloud.url}/?from=VNP&to=AOH&date=${tomorrow}`);
    await page.locator(`tr[data-service="G3_${tomorrow}"]`).waitFor();
    await page.getByRole('button', { name: 'English' }).click();
    await expect(page.locator('h1').textContent()).resolves.toBe('Search trains');
    await expect(page.locator('html').getAttribute('lang')).resolves.toBe('en');
    await expect(page.locator(`tr[data-service="G3_${tomorrow}"]`).textContent()).resolves.toContain('Beijing South');
    await screenshot(page, '12-search-results-en');
    await expectAccessible(page);
    await page.getByRole('button', { name: '中文' }).click();

    await context.route('**/services?**', (route) => route.abort('connectionrefused'));
    await page.locator('.search-form button[type="submit"]').click();
    await page.locator('.api-down').waitFor();
    await expect(page.locator('.api-down').textContent()).resolves.toContain('无法连接服务器');
    await expect(page.locator('.problem').first().textContent()).resolves.not.toContain('Failed to fetch');
    await screenshot(page, '13-api-down');
    await context.close();
  });
});

/** An order of `travellers` by `token` on a ride, paid through the local provider, read back once TICKETED. */
async function ticketedOrder(token: string, serviceId: string, travellers: { name: string; idNumber: string }[]): Promise<Record<string, any>> {
  const order = await call('POST', '/orders', { token, body: { serviceId, from: 'VNP', to: 'AOH', seatClass: 'second', passengers: travellers } });
  expect(order.status).toBe(201);
  expect((await call('POST', '/_local/pay', { body: { orderId: order.body.orderId } })).body.status).toBe('PAID');
  let ticketed: Record<string, any> = {};
  await eventually(
    async () => {
      ticketed = (await call('GET', `/orders/${order.body.orderId}`, { token })).body;
      expect(ticketed.status).toBe('TICKETED');
    },
    90_000,
    1_000,
  );
  return ticketed;
}

/** The order page, signed in as its owner. */
async function openOrder(page: Page, orderId: string, owner: string): Promise<void> {
  await page.goto(`${cloud.url}/my-orders/${orderId}`);
  await signInOnPage(page, owner);
  await page.locator('h1 .status-badge').waitFor();
}

/** The order page read again (another order of the same user was open). */
async function openOrderAgain(page: Page, orderId: string): Promise<void> {
  await page.goto(`${cloud.url}/my-orders/${orderId}`);
  await page.locator('li.ticket').first().waitFor();
}

const badgeOf = (page: Page, ticketNo: string) => page.locator(`li.ticket[data-ticket="${ticketNo}"] .status-badge`).getAttribute('data-status');

describe('Web console: after-sale', () => {
  it('refunds a ticket with the fee shown before confirming, the same fee the API charges, in Chinese and in English', async () => {
    const token = await cloud.token('refunder');
    const serviceId = await publish(smallService({ date: tomorrow }));
    const order = await ticketedOrder(token, serviceId, [passenger(), passenger()]);
    const [first, second] = (order.tickets as { ticketNo: string; fare: number }[]).map((ticket) => ticket.ticketNo);
    const { context, page } = await newPage();
    await openOrder(page, order.orderId as string, 'refunder');
    await page.locator('li.ticket').first().waitFor();

    await page.locator(`li.ticket[data-ticket="${first}"] [data-action="refund"]`).click();
    const preview = page.locator(`.fee-preview tr[data-ticket="${first}"]`);
    await preview.waitFor();
    // Tomorrow 09:00 railway time: between 9 and 33 hours away, so 10 % or 20 % of ¥553.00.
    const previewFee = (await preview.locator('.fee').textContent())?.trim() ?? '';
    expect(previewFee).toMatch(/^¥(55\.50|110\.50) \((10|20)%\)$/);
    await expect(page.locator('.refund-confirm').textContent()).resolves.toContain('退票费按距开车时间计算');
    await screenshot(page, '17-refund-fee-preview');
    await expectAccessible(page);

    await page.locator('[data-action="confirm-refund"]').click();
    const result = page.locator(`.refund-result tr[data-ticket="${first}"]`);
    await result.waitFor();
    const resultFee = (await result.locator('.fee').textContent())?.trim() ?? '';
    expect(previewFee.startsWith(`${resultFee} `)).toBe(true);
    await expect(badgeOf(page, first as string)).resolves.toBe('REFUNDED');
    await expect(badgeOf(page, second as string)).resolves.toBe('ACTIVE');
    await expect(page.locator('h1 .status-badge').getAttribute('data-status')).resolves.toBe('TICKETED');
    await screenshot(page, '18-refunded-one-ticket');
    await expectAccessible(page);

    // What went back to the payer is the fare less the fee the page showed.
    await eventually(
      async () => {
        const sent = (await call('GET', '/_local/refunds')).body.refunds as { orderId: string; amount: number }[];
        const amounts = sent.filter((r) => r.orderId === order.orderId).map((r) => r.amount);
        expect(amounts.map((amount) => `¥${((55300 - amount) / 100).toFixed(2)}`)).toEqual([resultFee]);
      },
      60_000,
      1_000,
    );

    await page.getByRole('button', { name: 'English' }).click();
    await page.locator(`li.ticket[data-ticket="${second}"] [data-action="refund"]`).click();
    await page.locator(`.fee-preview tr[data-ticket="${second}"]`).waitFor();
    await expect(page.locator('.refund-confirm').textContent()).resolves.toContain('The fee depends on the time left before departure');
    await screenshot(page, '19-refund-fee-preview-en');
    await page.getByRole('button', { name: 'Confirm the refund' }).click();
    await page.locator(`.refund-result tr[data-ticket="${second}"]`).waitFor();
    await expect(page.locator('h1 .status-badge').getAttribute('data-status')).resolves.toBe('REFUNDED');
    await expect(page.locator('h1 .status-badge').textContent()).resolves.toBe('Refunded');
    await expect(page.locator('[data-action="refund"]').count()).resolves.toBe(0);
    await screenshot(page, '20-refunded-all-en');
    await expectAccessible(page);

    // Refunded again (a second tab, say): the API refuses, shown as a problem.
    const again = await call('POST', `/orders/${order.orderId}/refund`, { token, body: {} });
    expect(again.body.type).toBe('/problems/invalid-state');
    await context.close();
  }, 240_000);

  it('changes one ticket to a dearer train (pay the difference) and another to a cheaper one (difference refunded); the old tickets end CHANGED', async () => {
    const token = await cloud.token('changer');
    const oldServiceId = await publish(smallService({ date: tomorrow }));
    const dearer = smallService({ date: tomorrow });
    dearer.fares = { second: 60_000 };
    const dearerId = await publish(dearer);
    const cheaper = smallService({ date: tomorrow });
    cheaper.fares = { second: 50_000 };
    const cheaperId = await publish(cheaper);
    const order = await ticketedOrder(token, oldServiceId, [passenger(), passenger()]);
    const [first, second] = (order.tickets as { ticketNo: string }[]).map((ticket) => ticket.ticketNo);

    const { context, page } = await newPage();
    await openOrder(page, order.orderId as string, 'changer');
    await page.locator(`li.ticket[data-ticket="${first}"] [data-action="change"]`).click();
    const dearerRow = page.locator(`.change-picker tr[data-service="${dearerId}"]`);
    await dearerRow.waitFor();
    await expect(dearerRow.locator('[data-class="second"] .difference').textContent()).resolves.toBe('需补 ¥47.00');
    await expect(page.locator(`.change-picker tr[data-service="${oldServiceId}"] .current`).textContent()).resolves.toBe('当前车票');
    await dearerRow.locator('[data-class="second"] button').click();
    await expect(page.locator('.change-confirm').textContent()).resolves.toContain(`改签到 ${dearer.trainNo}`);
    await screenshot(page, '21-change-picker');
    await expectAccessible(page);

    await page.locator('[data-action="confirm-change"]').click();
    await page.waitForURL((url) => !url.pathname.endsWith(order.orderId as string));
    await expect(page.locator('h1 .status-badge').getAttribute('data-status')).resolves.toBe('RESERVED');
    await expect(page.locator('.amount').textContent()).resolves.toMatch(/应补差价.*¥47\.00/);
    await expect(page.locator('.change-of').textContent()).resolves.toContain(first);
    await screenshot(page, '22-change-dearer-to-pay');
    await page.getByRole('button', { name: /立即支付 ¥47\.00/ }).click();
    await page.locator('.ticket').waitFor({ timeout: 90_000 });
    await expect(page.locator('h1 .status-badge').getAttribute('data-status')).resolves.toBe('TICKETED');
    await expect(page.locator('.ticket').textContent()).resolves.toContain(dearer.trainNo);
    await screenshot(page, '23-change-dearer-ticketed');

    // The old order: the first ticket CHANGED once the API says so; the second is changed to a cheaper train.
    await eventually(
      async () => {
        await openOrderAgain(page, order.orderId as string);
        await expect(badgeOf(page, first as string)).resolves.toBe('CHANGED');
      },
      60_000,
      2_000,
    );
    await page.locator(`li.ticket[data-ticket="${second}"] [data-action="change"]`).click();
    const cheaperRow = page.locator(`.change-picker tr[data-service="${cheaperId}"]`);
    await cheaperRow.waitFor();
    await cheaperRow.locator('[data-class="second"] button').click();
    await expect(page.locator('.change-confirm').textContent()).resolves.toContain('退还 ¥53.00');
    await page.locator('[data-action="confirm-change"]').click();
    await page.waitForURL((url) => !url.pathname.endsWith(order.orderId as string));
    await expect(page.locator('.change-refund').textContent()).resolves.toContain('¥53.00');
    await page.locator('.ticket').waitFor({ timeout: 90_000 });
    await expect(page.locator('h1 .status-badge').getAttribute('data-status')).resolves.toBe('TICKETED');
    // A ticket issued by a change is changed no more, but may be refunded.
    await expect(page.locator('li.ticket [data-action="change"]').count()).resolves.toBe(0);
    await expect(page.locator('li.ticket [data-action="refund"]').count()).resolves.toBe(1);
    await screenshot(page, '24-change-cheaper-ticketed');
    await expectAccessible(page);

    await eventually(
      async () => {
        await openOrderAgain(page, order.orderId as string);
        await expect(badgeOf(page, second as string)).resolves.toBe('CHANGED');
      },
      60_000,
      2_000,
    );
    await expect(badgeOf(page, first as string)).resolves.toBe('CHANGED');
    await expect(page.locator('[data-action="change"], [data-action="refund"]').count()).resolves.toBe(0);
    await expect(page.locator(`li.ticket[data-ticket="${first}"] a`).getAttribute('href')).resolves.toMatch(/^\/my-orders\/./);
    await screenshot(page, '25-old-tickets-changed');
    await context.close();
  }, 300_000);

  it('joins the waitlist of a sold-out train, prepays, and is served when another traveller cancels', async () => {
    const serviceId = await publish(smallService({ date: tomorrow, rows: 1, letters: ['A'] }));
    const other = await cloud.token('seat-holder');
    const held = await call('POST', '/orders', { token: other, body: { serviceId, from: 'VNP', to: 'AOH', seatClass: 'second', passengers: [passenger()] } });
    expect(held.status).toBe(201);

    const { context, page } = await newPage();
    const row = await searchUntilSoldOut(page, serviceId);
    await row.locator('a.waitlist').click();
    const offer = page.locator('.waitlist-offer');
    await offer.waitFor();
    // Two hours before the 09:00 departure, railway time.
    await expect(offer.locator('input[name="waitlist-until"]').inputValue()).resolves.toBe(`${tomorrow}T07:00`);
    await fillPassenger(page, 0, passenger());
    await screenshot(page, '26-waitlist-offer');
    await expectAccessible(page);

    await offer.locator('[data-action="waitlist"]').click();
    await signInOnPage(page, 'waiter');
    await page.waitForURL(/\/my-orders\//);
    await expect(page.locator('h1 .status-badge').getAttribute('data-status')).resolves.toBe('WAITLISTED');
    // A waitlist request holds no seat: its deadline is for the prepayment.
    await expect(page.locator('.pay-box .hint').first().textContent()).resolves.toContain('前预付');
    await screenshot(page, '27-waitlisted');
    await expectAccessible(page);

    await page.getByRole('button', { name: /预付 ¥553\.00/ }).click();
    await expect(page.locator('.waiting-text').textContent()).resolves.toContain(`${tomorrow.replace(/-/g, '/')} 07:00`);
    await expect(page.locator('h1 .status-badge').getAttribute('data-status')).resolves.toBe('WAITING');
    await screenshot(page, '28-waiting');
    await expectAccessible(page);

    expect((await call('POST', `/orders/${held.body.orderId}/cancel`, { token: other })).body.status).toBe('CANCELLED');
    await page.locator('.ticket').waitFor({ timeout: 90_000 });
    await expect(page.locator('h1 .status-badge').getAttribute('data-status')).resolves.toBe('TICKETED');
    await screenshot(page, '29-waitlist-served');
    await expectAccessible(page);
    await context.close();
  }, 240_000);

  it('leaves a waitlist: a prepaid (WAITING) request is refunded in full, in English', async () => {
    const serviceId = await publish(smallService({ date: tomorrow, rows: 1, letters: ['A'] }));
    const other = await cloud.token('seat-keeper');
    expect((await call('POST', '/orders', { token: other, body: { serviceId, from: 'VNP', to: 'AOH', seatClass: 'second', passengers: [passenger()] } })).status).toBe(201);
    const token = await cloud.token('leaver');
    const until = new Date(Date.now() + 3_600_000).toISOString();
    const waiting = await call('POST', '/orders', { token, body: { serviceId, from: 'VNP', to: 'AOH', seatClass: 'second', passengers: [passenger()], waitlist: { until } } });
    expect(waiting.body.status).toBe('WAITLISTED');
    expect((await call('POST', '/_local/pay', { body: { orderId: waiting.body.orderId } })).body.status).toBe('WAITING');

    const { context, page } = await newPage();
    await page.goto(`${cloud.url}/`);
    await page.getByRole('button', { name: 'English' }).click();
    await openOrder(page, waiting.body.orderId as string, 'leaver');
    await eventually(async () => expect(await page.locator('h1 .status-badge').getAttribute('data-status')).toBe('WAITING'), 30_000, 500);
    await expect(page.locator('.waiting-text').textContent()).resolves.toContain('Waiting for a seat until');
    await screenshot(page, '30-waiting-en');
    await page.getByRole('button', { name: 'Leave the waitlist (refund in full)' }).click();
    await page.locator('h1 .status-badge[data-status="REFUNDED"]').waitFor();
    await expect(page.locator('h1 .status-badge').textContent()).resolves.toBe('Refunded');
    await expect(page.locator('.waitlist-refunded').textContent()).resolves.toContain('your prepayment of ¥553.00 is refunded in full');
    await screenshot(page, '31-waitlist-left-en');
    await context.close();
  }, 120_000);
});

describe('Web console: operator', () => {
  it('publishes a train from the form, then takes the ticket issuer down and up while paid orders pile up and drain', async () => {
    const { context, page } = await newPage();
    await page.goto(`${cloud.url}/operator`);
    await signInOnPage(page, 'ops-console', { admin: true });
    await page.locator('input[name="trainNo"]').waitFor();
    const trainNo = nextTrainNo().replace(/^G/, 'D');
    await page.locator('input[name="trainNo"]').fill(trainNo);
    await page.locator('input[name="date"]').fill(tomorrow);
    await page.getByRole('button', { name: '发布', exact: true }).click();
    await expect(page.locator('.success').textContent()).resolves.toContain(`${trainNo}_${tomorrow}`);
    await page.locator('tr[data-queue="ticket-outbox"]').waitFor();
    await screenshot(page, '14-operator-published');
    await expectAccessible(page);

    await page.locator('[data-action="ticketIssuer-down"]').click();
    // The switch shows the new state once POST /_local/faults has answered.
    await page.locator('[data-fault="ticketIssuer"] .state', { hasText: '已停止' }).waitFor();
    const token = await cloud.token('zhao-liu');
    const serviceId = `${trainNo}_${tomorrow}`;
    const orderIds: string[] = [];
    for (let i = 0; i < 3; i++) {
      const order = await call('POST', '/orders', { token, body: { serviceId, from: 'VNP', to: 'AOH', seatClass: 'second', passengers: [passenger()] } });
      expect(order.status).toBe(201);
      expect((await call('POST', '/_local/pay', { body: { orderId: order.body.orderId } })).body.status).toBe('PAID');
      orderIds.push(order.body.orderId as string);
    }
    const outboxVisible = page.locator('tr[data-queue="ticket-outbox"] .visible');
    await eventually(async () => expect(Number(await outboxVisible.textContent())).toBeGreaterThanOrEqual(3), 60_000, 1_000);
    await screenshot(page, '15-operator-issuer-down');

    await page.locator('[data-action="ticketIssuer-up"]').click();
    await page.locator('[data-fault="ticketIssuer"] .state', { hasText: '正常' }).waitFor();
    await eventually(async () => expect(Number(await outboxVisible.textContent())).toBe(0), 90_000, 1_000);
    await eventually(
      async () => {
        for (const orderId of orderIds) expect((await call('GET', `/orders/${orderId}`, { token })).body.status).toBe('TICKETED');
      },
      60_000,
      1_000,
    );
    await screenshot(page, '16-operator-issuer-up');
    await context.close();
  }, 300_000);
});
