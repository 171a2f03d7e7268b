import { SimulatedRefundProvider } from '../../../infra/local/refund-provider';

describe('Class: SimulatedRefundProvider', () => {
  let provider: SimulatedRefundProvider;
  const refund = (refundId: string) =>
    fetch(provider.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ refundId, orderId: 'o-1', paymentId: 'p-1', amount: 500, currency: 'CNY' }) });

  beforeEach(async () => {
    provider = await SimulatedRefundProvider.start();
  });

  afterEach(async () => {
    await provider.close();
  });

  it('records each refund id once, however often it is sent', async () => {
    expect((await refund('r-1')).status).toBe(200);
    expect((await refund('r-1')).status).toBe(200);

    expect(provider.received()).toEqual({ refunds: [{ refundId: 'r-1', orderId: 'o-1', paymentId: 'p-1', amount: 500 }], requests: 2 });
  });

  it('records nothing while down, and records but answers 503 while losing its answers', async () => {
    provider.setMode('down');
    expect((await refund('r-1')).status).toBe(503);
    provider.setMode('lose-answers');
    expect((await refund('r-2')).status).toBe(503);

    expect(provider.received().refunds.map((r) => r.refundId)).toEqual(['r-2']);
  });

  it('refuses a body that is not a refund', async () => {
    const response = await fetch(provider.url, { method: 'POST', body: '{"refundId":""}' });

    expect(response.status).toBe(400);
    expect(provider.received().refunds).toEqual([]);
  });
});
