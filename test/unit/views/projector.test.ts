import { FullBatchFailureError } from '@aws-lambda-powertools/batch';
import type { Order } from '../../../lib/orders';
import { MalformedOrderEventRecordError } from '../../../lib/views/errors';
import type { OrderViewWriter } from '../../../lib/views/order-view-store';
import { OrderProjector } from '../../../lib/views/projector';
import { KinesisRecords, cancelledOrder, eventOf, lifecycle } from './order-event-records';

type Viewed = Omit<Order, 'passengers'>;

/** What the read model keeps of an order: all but its passengers, which the projector never needs. */
const viewed = ({ passengers: _passengers, ...order }: Order | Parameters<OrderViewWriter['apply']>[0] & { passengers?: unknown }): Viewed => order;

/** The view table as the store's contract describes it: a write lands only over an older version. */
class InMemoryViews implements OrderViewWriter {
  readonly views = new Map<string, Viewed>();
  readonly failFor = new Set<string>();

  async apply(order: Viewed): Promise<boolean> {
    if (this.failFor.has(order.orderId)) throw Object.assign(new Error('Throughput exceeds the current capacity'), { name: 'ProvisionedThroughputExceededException' });
    const current = this.views.get(order.orderId);
    if (current && current.version >= order.version) return false;
    this.views.set(order.orderId, viewed(order));
    return true;
  }
}

const logger = { debug: jest.fn(), error: jest.fn() };

describe('Class: OrderProjector', () => {
  let views: InMemoryViews;
  let projector: OrderProjector;
  let records: KinesisRecords;

  beforeEach(() => {
    views = new InMemoryViews();
    projector = new OrderProjector(views, { logger });
    records = new KinesisRecords();
  });

  afterEach(() => {
    jest.clearAllMocks();
  });

  describe('Method: project', () => {
    it("writes the event's order and answers applied", async () => {
      // Prepare
      const { paid } = lifecycle();

      // Act & Assess
      await expect(projector.project(eventOf(paid))).resolves.toBe('applied');
      expect(views.views.get('ord-1')).toEqual(viewed(paid));
    });

    it('answers stale, and changes nothing, for a version the view already has or has passed', async () => {
      // Prepare
      const { paid, ticketed } = lifecycle();
      await projector.project(eventOf(ticketed));

      // Act & Assess
      await expect(projector.project(eventOf(ticketed))).resolves.toBe('stale');
      await expect(projector.project(eventOf(paid))).resolves.toBe('stale');
      expect(views.views.get('ord-1')).toEqual(viewed(ticketed));
    });
  });

  describe('Method: projectBatch', () => {
    it('projects every event of the batch, several versions of one order included, to the newest version', async () => {
      // Prepare
      const a = lifecycle({ orderId: 'ord-a' });
      const batch = [a.reserved, cancelledOrder({ orderId: 'ord-b' }), a.paid, a.ticketed].map((order) => records.of(eventOf(order)));

      // Act
      const result = await projector.projectBatch(batch);

      // Assess
      expect(result).toEqual({ batchItemFailures: [] });
      expect(views.views.get('ord-a')).toEqual(viewed(a.ticketed));
      expect(views.views.get('ord-b')).toMatchObject({ status: 'CANCELLED', version: 2 });
    });

    it('succeeds on a replayed batch and on versions arriving out of order, keeping the newest', async () => {
      // Prepare
      const { reserved, paid, ticketed } = lifecycle();
      const batch = [ticketed, reserved, paid].map((order) => records.of(eventOf(order)));

      // Act
      const first = await projector.projectBatch(batch);
      const replay = await projector.projectBatch(batch);

      // Assess
      expect([first, replay]).toEqual([{ batchItemFailures: [] }, { batchItemFailures: [] }]);
      expect(views.views.get('ord-1')).toEqual(viewed(ticketed));
    });

    it('reports only the records that failed, each logged with its error', async () => {
      // Prepare
      views.failFor.add('ord-b');
      const batch = [
        records.of(eventOf(lifecycle({ orderId: 'ord-a' }).paid)),
        records.of(eventOf(lifecycle({ orderId: 'ord-b' }).paid)),
        records.raw(Buffer.from('[]').toString('base64')),
      ];

      // Act
      const result = await projector.projectBatch(batch);

      // Assess
      // In completion order: Lambda retries from the lowest sequence number reported.
      expect(result.batchItemFailures).toHaveLength(2);
      expect(result.batchItemFailures).toEqual(expect.arrayContaining([{ itemIdentifier: batch[1]!.kinesis.sequenceNumber }, { itemIdentifier: batch[2]!.kinesis.sequenceNumber }]));
      expect(views.views.has('ord-a')).toBe(true);
      expect(logger.error).toHaveBeenCalledWith(expect.stringContaining('not projected'), {
        sequenceNumber: batch[1]!.kinesis.sequenceNumber,
        error: expect.objectContaining({ name: 'ProvisionedThroughputExceededException' }),
      });
      expect(logger.error).toHaveBeenCalledWith(expect.stringContaining('not projected'), { sequenceNumber: batch[2]!.kinesis.sequenceNumber, error: expect.any(MalformedOrderEventRecordError) });
    });

    it('fails the invocation when every record failed, so Lambda retries the whole batch', async () => {
      // Prepare
      views.failFor.add('ord-1');

      // Act & Assess
      await expect(projector.projectBatch([records.of(eventOf(lifecycle().paid))])).rejects.toBeInstanceOf(FullBatchFailureError);
    });
  });
});
