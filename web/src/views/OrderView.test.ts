import { flushPromises, mount } from '@vue/test-utils';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createMemoryHistory, createRouter } from 'vue-router';
import type { Order } from '../api';
import { startServices } from '../services';
import { session } from '../session';
import OrderView from './OrderView.vue';

/** G1 leaves Beijing South at 09:00 railway time on 2026-12-20 (01:00 UTC). */
const DEPARTS = Date.parse('2026-12-20T01:00:00Z');
const HOUR_MS = 3_600_000;

const order: Order = {
  orderId: 'o-1',
  status: 'TICKETED',
  serviceId: 'G1_2026-12-20',
  from: 'VNP',
  to: 'AOH',
  seatClass: 'second',
  seats: [
    { passengerName: '李雷', coach: '05', seat: '01A' },
    { passengerName: '韩梅梅', coach: '05', seat: '01B' },
  ],
  amount: 110600,
  currency: 'CNY',
  expiresAt: '2026-12-01T01:30:00Z',
  tickets: [
    { ticketNo: 'T1', passengerName: '李雷', coach: '05', seat: '01A', from: 'VNP', to: 'AOH', status: 'ACTIVE', fare: 55300 },
    { ticketNo: 'T2', passengerName: '韩梅梅', coach: '05', seat: '01B', from: 'VNP', to: 'AOH', status: 'ACTIVE', fare: 55300 },
  ],
};
const service = { serviceId: 'G1_2026-12-20', trainNo: 'G1', date: '2026-12-20', from: { station: 'VNP', departs: '09:00' }, to: { station: 'AOH', arrives: '13:28' }, classes: {} };

type Answer = { status: number; body?: unknown } | 'unreachable';
/** The API as the page sees it: GET answers fixed; each POST answers the next of `posts`. */
function fakeApi(posts: Answer[]) {
  const sent: { path: string; key: string | null; body: unknown }[] = [];
  const fetch = vi.fn(async (url: string, init: RequestInit = {}) => {
    const path = new URL(url).pathname;
    const reply = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
    if (init.method === 'POST') {
      sent.push({ path, key: new Headers(init.headers).get('idempotency-key'), body: JSON.parse(String(init.body)) });
      const answer = posts.shift();
      if (answer === 'unreachable' || !answer) throw new TypeError('Failed to fetch');
      return reply(answer.status, answer.body);
    }
    if (path === '/orders/o-1') return reply(200, order);
    if (path === '/services') return reply(200, { services: [service] });
    if (path === '/stations') return reply(200, { stations: [] });
    return reply(404, { type: '/problems/not-found', title: 'Not Found', status: 404, detail: path });
  });
  vi.stubGlobal('fetch', fetch);
  return sent;
}

async function mountPage() {
  const router = createRouter({ history: createMemoryHistory(), routes: [{ path: '/my-orders/:orderId', name: 'order', component: OrderView }, { path: '/my-orders', name: 'orders', component: OrderView }] });
  await router.push('/my-orders/o-1');
  const wrapper = mount(OrderView, { global: { plugins: [router] } });
  await flushPromises();
  return wrapper;
}

describe('View: OrderView after-sale', () => {
  beforeEach(() => {
    startServices({ apiUrl: 'http://api.test', auth: { mode: 'local' } });
    Object.assign(session, { token: 'token', sub: 'li-lei', name: 'li-lei', admin: false });
  });
  afterEach(() => {
    vi.unstubAllGlobals();
    vi.useRealTimers();
  });

  it('offers no refund or change for a ticket whose train has left, and says why', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(DEPARTS + 60_000);
    fakeApi([]);
    const wrapper = await mountPage();

    expect(wrapper.findAll('li.ticket')).toHaveLength(2);
    expect(wrapper.find('[data-action="refund"]').exists()).toBe(false);
    expect(wrapper.find('[data-action="change"]').exists()).toBe(false);
    expect(wrapper.find('[data-action="refund-all"]').exists()).toBe(false);
    expect(wrapper.find('li.ticket .departed').text()).toContain('列车已出发');
  });

  it('shows the fee before a refund, keeps the Idempotency-Key for a retry after a network failure, and shows the answer', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(DEPARTS - 30 * HOUR_MS);
    const sent = fakeApi(['unreachable', { status: 200, body: { orderId: 'o-1', status: 'TICKETED', refunds: [{ ticketNo: 'T1', fare: 55300, fee: 5550, amount: 49750 }] } }]);
    const wrapper = await mountPage();

    await wrapper.find('li.ticket[data-ticket="T1"] [data-action="refund"]').trigger('click');
    // 30 hours before departure: 10 % of ¥553.00, to the nearest 50 fen.
    expect(wrapper.find('.fee-preview tr[data-ticket="T1"] .fee').text()).toBe('¥55.50 (10%)');
    expect(sent).toEqual([]);

    await wrapper.find('[data-action="confirm-refund"]').trigger('click');
    await flushPromises();
    expect(wrapper.find('.refund-confirm [role="alert"]').text()).toContain('无法连接服务器');
    await wrapper.find('[data-action="confirm-refund"]').trigger('click');
    await flushPromises();

    expect(sent.map((s) => [s.path, s.body])).toEqual([
      ['/orders/o-1/refund', { tickets: ['T1'] }],
      ['/orders/o-1/refund', { tickets: ['T1'] }],
    ]);
    expect(sent[0]?.key).toBeTruthy();
    expect(sent[1]?.key).toBe(sent[0]?.key);
    expect(wrapper.find('.refund-result tr[data-ticket="T1"] .fee').text()).toBe('¥55.50');
    expect(wrapper.find('li.ticket[data-ticket="T1"] .status-badge').attributes('data-status')).toBe('REFUNDED');
    expect(wrapper.find('li.ticket[data-ticket="T2"] .status-badge').attributes('data-status')).toBe('ACTIVE');
  });

  it('shows a refusal as a problem and sends the next attempt with a new key; "refund all" names no ticket', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(DEPARTS - 10 * 24 * HOUR_MS);
    const refusal = { type: '/problems/invalid-state', title: 'Invalid State', status: 409, detail: 'order o-1 has no ACTIVE ticket to refund' };
    const sent = fakeApi([{ status: 409, body: refusal }, { status: 200, body: { orderId: 'o-1', status: 'REFUNDED', refunds: [] } }]);
    const wrapper = await mountPage();

    await wrapper.find('[data-action="refund-all"]').trigger('click');
    expect(wrapper.findAll('.fee-preview tbody tr').map((row) => row.find('.fee').text())).toEqual(['¥0.00 (0%)', '¥0.00 (0%)']);
    await wrapper.find('[data-action="confirm-refund"]').trigger('click');
    await flushPromises();
    expect(wrapper.find('.refund-confirm [role="alert"]').text()).toMatch(/订单当前状态不允许此操作[\s\S]*409/);

    await wrapper.find('[data-action="confirm-refund"]').trigger('click');
    await flushPromises();
    expect(sent.map((s) => s.body)).toEqual([{}, {}]);
    expect(sent[1]?.key).not.toBe(sent[0]?.key);
    expect(wrapper.find('h1 .status-badge').attributes('data-status')).toBe('REFUNDED');
  });
});
