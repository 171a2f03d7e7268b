import { createServer, type IncomingMessage, type Server } from 'node:http';
import { z } from 'zod';
import { listenOnLoopback } from './proxy-server';

/**
 * The payment provider's refund API, simulated for the local cloud (never
 * deployed): the refund sender POSTs each refund here (REFUND_PROVIDER_URL), and
 * GET /_local/refunds lists what it received, each refund id once, as a
 * provider's idempotency key (out_refund_no) makes a repeated request a no-op.
 *
 * Modes, for the drills (POST /_local/faults `{ "refundProvider": … }`):
 * `up` answers 200; `down` answers 503 and records nothing; `lose-answers`
 * records the refund but answers 503, as if the answer were lost on the way back.
 */
export type RefundProviderMode = 'up' | 'down' | 'lose-answers';

const refundSchema = z.object({ refundId: z.string().min(1), orderId: z.string().min(1), paymentId: z.string().min(1), amount: z.int().positive() });
export type ReceivedRefund = z.output<typeof refundSchema>;

export class SimulatedRefundProvider {
  private readonly refunds = new Map<string, ReceivedRefund>();
  private mode: RefundProviderMode = 'up';
  /** Every request that reached it, repeats included. */
  private requests = 0;

  private constructor(
    private readonly server: Server,
    /** Where the refund sender POSTs refunds. */
    readonly url: string,
  ) {}

  static async start(): Promise<SimulatedRefundProvider> {
    let provider: SimulatedRefundProvider | undefined;
    const server = createServer((request, response) => {
      void (provider as SimulatedRefundProvider).handle(request).then(({ status, body }) => {
        response.writeHead(status, { 'content-type': 'application/json' });
        response.end(JSON.stringify(body));
      });
    });
    const base = await listenOnLoopback(server);
    provider = new SimulatedRefundProvider(server, `${base}/refunds`);
    return provider;
  }

  setMode(mode: RefundProviderMode): void {
    this.mode = mode;
  }

  /** What GET /_local/refunds answers. */
  received(): { refunds: ReceivedRefund[]; requests: number } {
    return { refunds: [...this.refunds.values()], requests: this.requests };
  }

  async close(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeAllConnections();
    await closed;
  }

  private async handle(request: IncomingMessage): Promise<{ status: number; body: unknown }> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    if (request.method !== 'POST' || request.url !== '/refunds') return { status: 404, body: { error: 'POST /refunds only' } };
    this.requests++;
    let parsed: ReturnType<typeof refundSchema.safeParse>;
    try {
      parsed = refundSchema.safeParse(JSON.parse(Buffer.concat(chunks).toString('utf8')));
    } catch {
      return { status: 400, body: { error: 'not JSON' } };
    }
    if (!parsed.success) return { status: 400, body: { error: parsed.error.message } };
    if (this.mode === 'down') return { status: 503, body: { error: 'provider down (POST /_local/faults)' } };
    const { refundId, orderId, paymentId, amount } = parsed.data;
    if (!this.refunds.has(refundId)) this.refunds.set(refundId, { refundId, orderId, paymentId, amount });
    if (this.mode === 'lose-answers') return { status: 503, body: { error: 'answer lost (POST /_local/faults)' } };
    return { status: 200, body: { refundId, status: 'SUCCEEDED' } };
  }
}
