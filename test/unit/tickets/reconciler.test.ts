import type { Order } from '../../../lib/orders';
import { OVERDUE_SHARDS } from '../../../lib/orders/order-keys';
import type { TicketJob } from '../../../lib/tickets';
import { TicketReconciler } from '../../../lib/tickets/reconciler';
import { lifecycle } from '../views/order-event-records';

const NOW = new Date('2026-12-03T08:00:00.000Z');

describe('Class: TicketReconciler', () => {
  describe('Method: reconcile', () => {
    it('asks every shard for orders paid before now minus the grace period, and sends one job per order at its version', async () => {
      // Prepare
      const { paid } = lifecycle({ orderId: 'o-stuck' });
      const asked: Array<{ shard: number; before: string; limit: number }> = [];
      const sent: TicketJob[] = [];
      const orders = {
        paidBefore: async (shard: number, before: string, limit: number): Promise<Order[]> => {
          asked.push({ shard, before, limit });
          return shard === 3 ? [paid] : [];
        },
      };
      const reconciler = new TicketReconciler(orders, { send: async (job) => (sent.push(job), job) }, { now: () => NOW, graceSeconds: 300, pageSize: 50 });

      // Act
      const outcome = await reconciler.reconcile();

      // Assess
      expect(asked.map((a) => a.shard)).toEqual(Array.from({ length: OVERDUE_SHARDS }, (_, i) => i));
      expect(new Set(asked.map((a) => `${a.before} ${a.limit}`))).toEqual(new Set(['2026-12-03T07:55:00.000Z 50']));
      expect(sent).toEqual([{ orderId: 'o-stuck', version: paid.version, eventId: `o-stuck:${paid.version}` }]);
      expect(outcome).toEqual({ unticketed: 1 });
    });

    it('fails the run when a job cannot be sent, so the next run tries again', async () => {
      const { paid } = lifecycle({ orderId: 'o-stuck' });
      const reconciler = new TicketReconciler({ paidBefore: async () => [paid] }, { send: async () => Promise.reject(new Error('SQS is down')) }, { now: () => NOW });

      await expect(reconciler.reconcile()).rejects.toThrow('SQS is down');
    });
  });
});
