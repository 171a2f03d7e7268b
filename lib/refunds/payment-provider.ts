import { ORDER_CURRENCY } from '../orders/constants';
import { RefundProviderError } from './errors';
import type { RefundJob } from './refund-job';

/** What the refund sender needs of a payment provider: give money back, once per refund id. */
export interface RefundProvider {
  refund(job: RefundJob): Promise<void>;
}

/**
 * The payment provider's refund API over HTTP: one POST per refund, with the
 * refund id as its Idempotency-Key, as providers' refund APIs take one (Alipay's
 * out_request_no, WeChat Pay's out_refund_no): a request repeated after a lost
 * answer refunds nothing twice. Locally the URL is the local cloud's simulated
 * provider (GET /_local/refunds lists what it received).
 */
export class HttpRefundProvider implements RefundProvider {
  constructor(
    private readonly url: string,
    private readonly fetchImpl: typeof fetch = fetch,
  ) {}

  async refund(job: RefundJob): Promise<void> {
    let response: Response;
    try {
      response = await this.fetchImpl(this.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'idempotency-key': job.refundId },
        body: JSON.stringify({ refundId: job.refundId, orderId: job.orderId, paymentId: job.paymentId, amount: job.amount, currency: ORDER_CURRENCY }),
        signal: AbortSignal.timeout(10_000),
      });
    } catch (cause) {
      throw new RefundProviderError(`refund ${job.refundId}: the payment provider did not answer`, { cause });
    }
    if (!response.ok) throw new RefundProviderError(`refund ${job.refundId}: the payment provider answered ${response.status}`);
  }
}
