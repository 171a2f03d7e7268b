import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { encodeCoach, type SeatOccupancy } from '../../../lib/ledger/coach-occupancy';
import { OccupancySnapshots } from '../../../lib/ledger/occupancy-snapshots';
import { OccupancyStore } from '../../../lib/ledger/occupancy-store';
import { type PublishServiceRequest, type Service, toService } from '../../../lib/timetable/service';
import { loadEvent } from '../../helpers/events';

const NOW = Date.parse('2026-12-01T08:00:00.000Z');
const WHOLE_RUN = 0b11;
const db = mockClient(DynamoDBDocumentClient);
const service = toService(JSON.parse(loadEvent('timetable/publish-service.json').body as string) as PublishServiceRequest);
const otherService: Service = { ...service, serviceId: 'G3_2026-12-01', trainNo: 'G3' };

/** Coach 01 of the snapshot with its first `sold` seats sold over the whole run. */
const coach01 = (sold: number) => ({
  pk: `OCC#${service.serviceId}`,
  sk: 'COACH#01',
  occ: encodeCoach(Array.from({ length: 6 }, (_, i): SeatOccupancy => ({ sold: i < sold ? WHOLE_RUN : 0, holds: [] }))),
  readAt: NOW,
});

function snapshots(clock: { now: number }, maxAgeMs?: number) {
  const store = new OccupancyStore(DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1' })), 'occupancy');
  return new OccupancySnapshots(store, { now: () => clock.now, ...(maxAgeMs === undefined ? {} : { maxAgeMs }) });
}

const reads = () => db.commandCalls(QueryCommand).length;

describe('Class: OccupancySnapshots', () => {
  afterEach(() => db.reset());

  describe('Method: current', () => {
    it('decodes the service from one Query of its partition', async () => {
      // Prepare
      db.on(QueryCommand).resolves({ Items: [coach01(2)] });

      // Act
      const occupancy = await snapshots({ now: NOW }).current(service);

      // Assess
      expect(occupancy.service).toBe(service);
      expect(occupancy.freeSeats('business', WHOLE_RUN, NOW)).toBe(4);
      expect(occupancy.freeSeats('second', WHOLE_RUN, NOW)).toBe(85);
      expect(db.commandCalls(QueryCommand).map((c) => c.args[0].input)).toEqual([expect.objectContaining({ TableName: 'occupancy', ExpressionAttributeValues: { ':pk': 'OCC#G1_2026-12-01' } })]);
    });

    it('serves the same snapshot, with what the container learnt since, while it is younger than maxAge (500 ms by default)', async () => {
      // Prepare
      db.on(QueryCommand).resolves({ Items: [coach01(0)] });
      const clock = { now: NOW };
      const cache = snapshots(clock);
      const first = await cache.current(service);
      first.recordHold([{ coach: '01', seat: '01A' }], { fromIndex: 0, toIndex: 2 }, NOW + 60_000);

      // Act
      clock.now = NOW + 499;
      const again = await cache.current(service);

      // Assess
      expect(again).toBe(first);
      expect(again.freeSeats('business', WHOLE_RUN, clock.now)).toBe(5);
      expect(reads()).toBe(1);
    });

    it('reads again once the snapshot is maxAge old', async () => {
      // Prepare
      db.on(QueryCommand).resolvesOnce({ Items: [coach01(0)] }).resolves({ Items: [coach01(3)] });
      const clock = { now: NOW };
      const cache = snapshots(clock, 1000);
      await cache.current(service);

      // Act
      clock.now = NOW + 1000;
      const later = await cache.current(service);

      // Assess
      expect(later.freeSeats('business', WHOLE_RUN, clock.now)).toBe(3);
      expect(reads()).toBe(2);
    });

    it('reads again when the clock went back past the read', async () => {
      // Prepare
      db.on(QueryCommand).resolves({ Items: [] });
      const clock = { now: NOW };
      const cache = snapshots(clock);
      await cache.current(service);

      // Act
      clock.now = NOW - 1;
      await cache.current(service);

      // Assess
      expect(reads()).toBe(2);
    });

    it('lets concurrent callers share the read in flight', async () => {
      // Prepare
      db.on(QueryCommand).resolves({ Items: [coach01(1)] });
      const cache = snapshots({ now: NOW });

      // Act
      const [a, b, c] = await Promise.all([cache.current(service), cache.current(service), cache.current(service)]);

      // Assess
      expect(reads()).toBe(1);
      expect(b).toBe(a);
      expect(c).toBe(a);
    });

    it('keeps each service apart', async () => {
      // Prepare
      db.on(QueryCommand).resolves({ Items: [] });
      const cache = snapshots({ now: NOW });

      // Act
      const [g1, g3] = await Promise.all([cache.current(service), cache.current(otherService)]);

      // Assess
      expect(g1.service.serviceId).toBe('G1_2026-12-01');
      expect(g3.service.serviceId).toBe('G3_2026-12-01');
      expect(db.commandCalls(QueryCommand).map((c) => c.args[0].input.ExpressionAttributeValues?.[':pk'])).toEqual(['OCC#G1_2026-12-01', 'OCC#G3_2026-12-01']);
    });

    it('does not keep a failed read: every caller sharing it fails, and the next caller reads again', async () => {
      // Prepare
      const throttled = Object.assign(new Error('Throughput exceeds the current capacity of your table or index.'), { name: 'ThrottlingException' });
      db.on(QueryCommand).rejectsOnce(throttled).resolves({ Items: [coach01(1)] });
      const cache = snapshots({ now: NOW });

      // Act
      const failed = await Promise.allSettled([cache.current(service), cache.current(service)]);
      const next = await cache.current(service);

      // Assess
      expect(failed.map((r) => r.status)).toEqual(['rejected', 'rejected']);
      expect(next.freeSeats('business', WHOLE_RUN, NOW)).toBe(5);
      expect(reads()).toBe(2);
    });
  });
});

describe('Class: OccupancyStore', () => {
  afterEach(() => db.reset());

  it('reads every page of a service, by coach', async () => {
    // Prepare
    const second = { ...coach01(0), sk: 'COACH#02' };
    db.on(QueryCommand).resolvesOnce({ Items: [coach01(1)], LastEvaluatedKey: { pk: 'OCC#G1_2026-12-01', sk: 'COACH#01' } }).resolves({ Items: [second] });
    const store = new OccupancyStore(DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1' })), 'occupancy');

    // Act
    const coaches = await store.read(service.serviceId);

    // Assess
    expect([...coaches.keys()]).toEqual(['01', '02']);
    expect(coaches.get('01')).toEqual(coach01(1).occ);
    expect(db.commandCalls(QueryCommand)[1]?.args[0].input).toMatchObject({ ExclusiveStartKey: { pk: 'OCC#G1_2026-12-01', sk: 'COACH#01' }, ProjectionExpression: 'sk, occ' });
  });
});
