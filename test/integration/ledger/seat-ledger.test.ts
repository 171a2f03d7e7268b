import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import fc from 'fast-check';
import { HoldIdConflictError, HoldLostError, HoldStateError, SeatsTakenError, SoldOutError } from '../../../lib/ledger/errors';
import type { HoldRecord } from '../../../lib/ledger/hold';
import type { HoldInput } from '../../../lib/ledger/inventory';
import { ledgerKeys } from '../../../lib/ledger/ledger-keys';
import { type SeatSegments, segmentKey } from '../../../lib/ledger/occupancy';
import { ServiceConflictError } from '../../../lib/timetable/errors';
import { type PublishServiceRequest, serviceIdOf } from '../../../lib/timetable/service';
import { useEmulators } from '../../helpers/emulators';
import { provisionFromTemplate } from '../../helpers/ledger-table';
import { type SeatTables, seatSystem } from '../../helpers/seat-system';
import { daysFromNow, smallService, STATIONS } from '../../helpers/services';

useEmulators();

let db: DynamoDBDocumentClient;
let tables: SeatTables;
let clock: number;

beforeAll(async () => {
  tables = await provisionFromTemplate();
  db = DynamoDBDocumentClient.from(new DynamoDBClient({}), { marshallOptions: { removeUndefinedValues: true } });
});

beforeEach(() => {
  clock = Date.parse('2026-12-01T08:00:00Z');
});

/** The inventory with a clock the test moves, so expiry needs no sleeping. */
function system(options: { realClock?: boolean } = {}) {
  return seatSystem(db, tables, { now: options.realClock ? Date.now : () => clock });
}

async function published(request: PublishServiceRequest = smallService()) {
  await system().timetable.publish(request);
  return serviceIdOf(request.trainNo, request.date);
}

const holdInput = (serviceId: string, overrides: Partial<HoldInput> = {}): HoldInput => ({
  holdId: randomUUID(),
  serviceId,
  from: 'VNP',
  to: 'AOH',
  seatClass: 'second',
  count: 1,
  ttlSeconds: 600,
  ...overrides,
});

async function seatItems(serviceId: string, coach = '05') {
  const { Items } = await db.send(
    new QueryCommand({ TableName: tables.ledgerTable, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': ledgerKeys.coachPartition(serviceId, coach) }, ConsistentRead: true }),
  );
  return (Items ?? []).map(({ pk: _pk, sk, ...segments }) => ({ seat: String(sk).replace('SEAT#', ''), segs: segments as SeatSegments }));
}

describe('Class: SeatLedger', () => {
  describe('Method: hold', () => {
    it('sells exactly 10 distinct seats to 50 concurrent buyers of 10 seats', async () => {
      const serviceId = await published(smallService({ rows: 2 }));
      const { inventory } = system({ realClock: true });

      const results = await Promise.allSettled(Array.from({ length: 50 }, () => inventory.hold(holdInput(serviceId))));

      const holds = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
      const failures = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
      expect(holds).toHaveLength(10);
      expect(new Set(holds.map((h) => h.seats[0]?.seat)).size).toBe(10);
      expect(failures.every((f) => f instanceof SoldOutError)).toBe(true);
    });

    it('never holds a seat for overlapping segments under concurrent random rides', async () => {
      const ride = fc
        .tuple(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 2 }))
        .filter(([a, b]) => a < b)
        .map(([a, b, count]) => ({ from: STATIONS[a] as string, to: STATIONS[b] as string, count }));

      await fc.assert(
        fc.asyncProperty(fc.array(ride, { minLength: 5, maxLength: 30 }), async (rides) => {
          const serviceId = await published(smallService({ rows: 1 }));
          const { inventory } = system({ realClock: true });
          const results = await Promise.allSettled(rides.map((r) => inventory.hold(holdInput(serviceId, r))));
          const holds = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
          for (const r of results) if (r.status === 'rejected') expect(r.reason).toBeInstanceOf(SoldOutError);

          // No two holds share a seat over a common segment.
          const owner = new Map<string, string>();
          for (const hold of holds) {
            for (const { seat } of hold.seats) {
              for (let s = hold.fromIndex; s < hold.toIndex; s++) {
                const key = `${seat}/${s}`;
                expect(owner.get(key)).toBeUndefined();
                owner.set(key, hold.holdId);
              }
            }
          }
          // The ledger agrees with the holds, segment by segment.
          for (const { seat, segs } of await seatItems(serviceId)) {
            for (let s = 0; s < 4; s++) expect(segs[segmentKey(s)]?.h).toBe(owner.get(`${seat}/${s}`));
          }
        }),
        { numRuns: 6 },
      );
    });

    it('sells a seat sold A→B again for B→C, but not over A→C', async () => {
      const serviceId = await published(smallService({ rows: 1, letters: ['A'] }));
      const { inventory } = system();

      const first = await inventory.hold(holdInput(serviceId, { from: 'VNP', to: 'JGK' }));
      await inventory.confirm(first.holdId);
      const second = await inventory.hold(holdInput(serviceId, { from: 'JGK', to: 'AOH' }));

      expect(second.seats).toEqual(first.seats);
      await expect(inventory.hold(holdInput(serviceId, { from: 'TXP', to: 'NKH' }))).rejects.toBeInstanceOf(SoldOutError);
    });

    it('frees a seat the moment its hold expires', async () => {
      const serviceId = await published(smallService({ rows: 1, letters: ['A'] }));
      const { inventory } = system();
      await inventory.hold(holdInput(serviceId, { ttlSeconds: 60 }));

      clock += 59_999;
      await expect(inventory.hold(holdInput(serviceId))).rejects.toBeInstanceOf(SoldOutError);
      expect(await availableSeats(serviceId)).toBe(0);

      clock += 1;
      expect(await availableSeats(serviceId)).toBe(1);
      await expect(inventory.hold(holdInput(serviceId))).resolves.toMatchObject({ seats: [{ coach: '05', seat: '01A' }] });
    });

    it('answers a retried hold id with the same hold, and refuses it for another request', async () => {
      const serviceId = await published(smallService({ rows: 2 }));
      const { inventory } = system();
      const input = holdInput(serviceId, { count: 2 });

      const [a, b] = await Promise.all([inventory.hold(input), inventory.hold(input)]);
      const again = await inventory.hold(input);

      expect(b).toEqual(a);
      expect(again).toEqual(a);
      expect(await availableSeats(serviceId)).toBe(8);
      await expect(inventory.hold({ ...input, count: 3 })).rejects.toBeInstanceOf(HoldIdConflictError);
    });
  });

  describe('Method: readClass', () => {
    it('gives a run of holds one view of the seats: a seat freed after the read is not chosen from it, only from a later read', async () => {
      // Prepare: a one-seat train sold, read, then released (the snapshot, never projected, would show it free)
      const serviceId = await published(smallService({ rows: 1, letters: ['A'] }));
      const { inventory, ledger, timetable } = system();
      const taken = await inventory.hold(holdInput(serviceId));
      const service = await timetable.service(serviceId);
      const seen = await ledger.readClass(service, 'second');
      await ledger.release(taken.holdId);
      const request = { holdId: randomUUID(), serviceId, from: 'VNP', to: 'AOH', fromIndex: 0, toIndex: 4, seatClass: 'second' as const, count: 1, ttlSeconds: 600 };

      // Act & Assess
      await expect(ledger.hold(service, request, () => [], { sell: true, occupancy: seen })).rejects.toBeInstanceOf(SoldOutError);
      const fresh = await ledger.readClass(service, 'second');
      await expect(ledger.hold(service, request, () => [], { sell: true, occupancy: fresh })).resolves.toMatchObject({ seats: [{ coach: '05', seat: '01A' }], status: 'CONFIRMED' });
    });
  });

  describe('Method: hold, told not to choose again', () => {
    it('writes nothing and throws SeatsTakenError when a seat of its view was taken after the read, where by default it reads again and takes another', async () => {
      // Prepare: a two-seat train read while both are free; then a buyer takes the first
      const serviceId = await published(smallService({ rows: 1, letters: ['A', 'B'] }));
      const { inventory, ledger, timetable } = system();
      const service = await timetable.service(serviceId);
      const seen = await ledger.readClass(service, 'second');
      const buyer = await inventory.hold(holdInput(serviceId));
      const request = { holdId: randomUUID(), serviceId, from: 'VNP', to: 'AOH', fromIndex: 0, toIndex: 4, seatClass: 'second' as const, count: 2, ttlSeconds: 600 };

      // Act & Assess: the view has both seats free, so it chooses the buyer's (whichever the buyer drew)
      await expect(ledger.hold(service, request, () => [], { sell: true, occupancy: seen, chooseAgain: false })).rejects.toBeInstanceOf(SeatsTakenError);
      expect(await ledger.findHold(request.holdId)).toBeUndefined();
      expect(await availableSeats(serviceId)).toBe(1);
      const other = await ledger.hold(service, { ...request, holdId: randomUUID(), count: 1 }, () => [], { sell: true, occupancy: seen });
      expect(other.seats).toHaveLength(1);
      expect(other.seats).not.toEqual(buyer.seats.map(({ coach, seat }) => ({ coach, seat })));
    });
  });

  describe('Method: confirm and release', () => {
    it('refuses to confirm a hold whose seat was taken after it expired, and releasing it leaves the new owner alone', async () => {
      const serviceId = await published(smallService({ rows: 1, letters: ['A'] }));
      const { inventory, ledger } = system();
      const stale = await inventory.hold(holdInput(serviceId, { ttlSeconds: 60 }));
      clock += 61_000;
      const fresh = await inventory.hold(holdInput(serviceId, { from: 'TXP', to: 'JGK' }));

      await expect(inventory.confirm(stale.holdId)).rejects.toBeInstanceOf(HoldLostError);
      const released = await inventory.release(stale.holdId);

      expect(released.lost).toEqual(fresh.seats);
      const [seat] = await seatItems(serviceId);
      expect(seat?.segs[segmentKey(1)]?.h).toBe(fresh.holdId);
      await expect(inventory.confirm(fresh.holdId)).resolves.toMatchObject({ status: 'CONFIRMED' });
      expect((await ledger.findHold(stale.holdId))?.status).toBe('RELEASED');
    });

    it('confirms a late hold whose seats nobody took', async () => {
      const serviceId = await published(smallService({ rows: 1, letters: ['A'] }));
      const { inventory } = system();
      const hold = await inventory.hold(holdInput(serviceId, { ttlSeconds: 60 }));
      clock += 3_600_000;

      await expect(inventory.confirm(hold.holdId)).resolves.toMatchObject({ status: 'CONFIRMED' });
      await expect(inventory.confirm(hold.holdId)).resolves.toMatchObject({ status: 'CONFIRMED' });
      await expect(inventory.hold(holdInput(serviceId))).rejects.toBeInstanceOf(SoldOutError);
    });

    it('gives seats back on release, once, and refuses to confirm a released hold', async () => {
      const serviceId = await published(smallService({ rows: 1 }));
      const { inventory } = system();
      const hold: HoldRecord = await inventory.hold(holdInput(serviceId, { count: 3 }));
      expect(await availableSeats(serviceId)).toBe(2);

      await expect(inventory.release(hold.holdId)).resolves.toEqual({ released: hold.seats, lost: [] });
      await expect(inventory.release(hold.holdId)).resolves.toEqual({ released: [], lost: [] });

      expect(await availableSeats(serviceId)).toBe(5);
      await expect(inventory.confirm(hold.holdId)).rejects.toBeInstanceOf(HoldStateError);
    });

    it('leaves a released hold record to expire a day after its release, in both ways of releasing, and a confirmed one for good', async () => {
      const serviceId = await published(smallService({ rows: 1, letters: ['A', 'B', 'C'] }));
      const { inventory } = system();
      const released = await inventory.hold(holdInput(serviceId));
      const retaken = await inventory.hold(holdInput(serviceId, { ttlSeconds: 60 }));
      const confirmed = await inventory.hold(holdInput(serviceId));
      clock += 61_000;
      await inventory.hold(holdInput(serviceId, { from: 'TXP', to: 'JGK' }));
      const record = async (holdId: string) => (await db.send(new GetCommand({ TableName: tables.ledgerTable, Key: ledgerKeys.hold(holdId), ConsistentRead: true }))).Item;

      await inventory.release(released.holdId);
      const { lost } = await inventory.release(retaken.holdId);
      await inventory.confirm(confirmed.holdId);

      const aDayOn = Math.floor(clock / 1000) + 86_400;
      expect(await record(released.holdId)).toMatchObject({ status: 'RELEASED', ttl: aDayOn });
      // Its seat was another hold's by then: released seat by seat, the record marked apart.
      expect(lost).toEqual(retaken.seats);
      expect(await record(retaken.holdId)).toMatchObject({ status: 'RELEASED', ttl: aDayOn });
      expect(await record(confirmed.holdId)).not.toHaveProperty('ttl');
      await expect(inventory.confirm(released.holdId)).rejects.toBeInstanceOf(HoldStateError);
      expect(await system().ledger.findHold(released.holdId)).not.toHaveProperty('ttl');
    });

    it('holds, sells and gives back seats without a hold record when the linked writes record the hold, and never frees a seat sold or taken by another', async () => {
      const serviceId = await published(smallService({ rows: 1, letters: ['A'] }));
      const { ledger, timetable } = system();
      const service = await timetable.service(serviceId);
      const request = (holdId: string, ttlSeconds: number, from = 'VNP', to = 'AOH') => ({ ...holdInput(serviceId, { holdId, ttlSeconds, from, to }), ...timetable.ride(service, from, to), count: 1 });
      const record = async (holdId: string) => (await db.send(new GetCommand({ TableName: tables.ledgerTable, Key: ledgerKeys.hold(holdId), ConsistentRead: true }))).Item;

      const sold = await ledger.hold(service, request(randomUUID(), 60), () => [], { record: false });
      await ledger.confirmHeld({ ...sold, recorded: false });
      expect(await record(sold.holdId)).toBeUndefined();
      expect((await seatItems(serviceId))[0]?.segs[segmentKey(0)]).toMatchObject({ h: sold.holdId, st: 'S' });
      // A sold seat is never given back by a release: the order's status refuses it first, and the seat's condition anyway.
      await expect(ledger.releaseHeld({ ...sold, recorded: false })).resolves.toEqual({ released: [], lost: sold.seats });
      expect((await seatItems(serviceId))[0]?.segs[segmentKey(0)]).toMatchObject({ h: sold.holdId, st: 'S' });

      // Another train's single seat: held, lapsed, taken by someone else, then the late payment.
      const otherId = await published(smallService({ rows: 1, letters: ['A'] }));
      const other = await timetable.service(otherId);
      const lapsed = await ledger.hold(other, { ...request(randomUUID(), 60), serviceId: otherId }, () => [], { record: false });
      clock += 61_000;
      const retaken = await ledger.hold(other, { ...request(randomUUID(), 600, 'TXP', 'JGK'), serviceId: otherId }, () => [], { record: false });
      await expect(ledger.confirmHeld({ ...lapsed, recorded: false })).rejects.toBeInstanceOf(HoldLostError);
      await expect(ledger.releaseHeld({ ...lapsed, recorded: false })).resolves.toEqual({ released: [], lost: lapsed.seats });
      await expect(ledger.releaseHeld({ ...retaken, recorded: false })).resolves.toEqual({ released: retaken.seats, lost: [] });
      expect(await record(lapsed.holdId)).toBeUndefined();
      expect(await record(retaken.holdId)).toBeUndefined();
    });

    it('refuses to release a confirmed hold', async () => {
      const serviceId = await published(smallService({ rows: 1 }));
      const { inventory } = system();
      const hold = await inventory.hold(holdInput(serviceId));
      await inventory.confirm(hold.holdId);

      await expect(inventory.release(hold.holdId)).rejects.toBeInstanceOf(HoldStateError);
      expect(await availableSeats(serviceId)).toBe(4);
    });
  });
});

describe('Class: Timetable', () => {
  describe('Method: publish', () => {
    it('opens a large train for sale with one write, republishes it as a no-op and refuses another definition under its id', async () => {
      const request = smallService({ rows: 40, letters: ['A', 'B', 'C', 'D', 'F'] });
      const big = { ...request, coaches: Array.from({ length: 6 }, (_, i) => ({ coach: String(i + 1).padStart(2, '0'), seatClass: 'second' as const, rows: 40, letters: ['A', 'B', 'C', 'D', 'F'] })) };
      const { timetable } = system();

      await expect(timetable.publish(big)).resolves.toEqual({ serviceId: serviceIdOf(big.trainNo, big.date), seats: 1200, created: true });
      await expect(timetable.publish(big)).resolves.toMatchObject({ seats: 1200, created: false });
      await expect(timetable.publish({ ...big, fares: { second: 1 } })).rejects.toBeInstanceOf(ServiceConflictError);
      expect(await availableSeats(serviceIdOf(big.trainNo, big.date))).toBe(1200);
      expect(await seatItems(serviceIdOf(big.trainNo, big.date), '01')).toEqual([]);
    });

    it('lists a published service on its date with fares pro rata', async () => {
      const searchDate = daysFromNow(21);
      const request = smallService({ date: searchDate });
      const { timetable, availability } = system();
      await timetable.publish(request);

      const found = await availability.search('TXP', 'NKH', searchDate);

      expect(found).toContainEqual(
        expect.objectContaining({ trainNo: request.trainNo, from: { station: 'TXP', departs: '09:37', departsAt: new Date(`${searchDate}T09:37:00+08:00`).toISOString() }, to: { station: 'NKH', arrives: '12:20' }, classes: { second: { available: 10, fare: Math.round((55300 * 2) / 4) } } }),
      );
      expect(await availability.search('NKH', 'TXP', searchDate)).toEqual([]);
    });
  });
});

/** Free over the whole route, once the ledger's changes have reached the snapshot. */
async function availableSeats(serviceId: string): Promise<number | undefined> {
  const { availability, project } = system();
  await project(serviceId);
  return (await availability.availability(serviceId, 'VNP', 'AOH')).classes.second?.available;
}
