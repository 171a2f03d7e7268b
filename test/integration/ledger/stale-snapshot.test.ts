import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import fc from 'fast-check';
import { HoldContentionError, SoldOutError } from '../../../lib/ledger/errors';
import type { HoldRecord } from '../../../lib/ledger/hold';
import { segmentKey } from '../../../lib/ledger/occupancy';
import { serviceIdOf } from '../../../lib/timetable/service';
import { useEmulators } from '../../helpers/emulators';
import { provisionFromTemplate } from '../../helpers/ledger-table';
import { type SeatTables, seatSystem } from '../../helpers/seat-system';
import { smallService, STATIONS } from '../../helpers/services';

useEmulators();

let db: DynamoDBDocumentClient;
let tables: SeatTables;

beforeAll(async () => {
  tables = await provisionFromTemplate();
  db = DynamoDBDocumentClient.from(new DynamoDBClient({}), { marshallOptions: { removeUndefinedValues: true } });
});

/** A container whose snapshot never expires by itself: it is as stale as the test makes it. */
const container = () => seatSystem(db, tables, { snapshotMaxAgeMs: Number.MAX_SAFE_INTEGER });

type Step =
  | { kind: 'hold'; container: number; from: number; to: number; count: number }
  | { kind: 'release'; hold: number }
  | { kind: 'confirm'; hold: number }
  | { kind: 'project' }
  | { kind: 'reread'; container: number };

const CONTAINERS = 3;

const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ kind: fc.constant('hold' as const), container: fc.nat(CONTAINERS - 1), from: fc.nat(3), to: fc.integer({ min: 1, max: 4 }), count: fc.integer({ min: 1, max: 2 }) }).filter((s) => s.from < s.to) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('release' as const), hold: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('confirm' as const), hold: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('project' as const) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('reread' as const), container: fc.nat(CONTAINERS - 1) }) },
);

describe('Class: SeatLedger', () => {
  describe('Method: hold, from a stale snapshot', () => {
    it('never sells a seat twice over overlapping segments, whatever the snapshot missed', async () => {
      await fc.assert(
        fc.asyncProperty(fc.array(fc.array(step, { minLength: 1, maxLength: 4 }), { minLength: 3, maxLength: 10 }), async (rounds) => {
          const request = smallService({ rows: 1, letters: ['A', 'B', 'C'] });
          const serviceId = serviceIdOf(request.trainNo, request.date);
          const containers = Array.from({ length: CONTAINERS }, container);
          await containers[0]?.timetable.publish(request);
          const holds: HoldRecord[] = [];
          const live = new Set<string>();

          // Each round's steps run concurrently; rounds run one after another.
          for (const round of rounds) {
            await Promise.all(
              round.map(async (s) => {
                const c = containers[s.kind === 'hold' || s.kind === 'reread' ? s.container : 0] as ReturnType<typeof container>;
                if (s.kind === 'hold') {
                  try {
                    const hold = await c.inventory.hold({ holdId: randomUUID(), serviceId, from: STATIONS[s.from] as string, to: STATIONS[s.to] as string, seatClass: 'second', count: s.count, ttlSeconds: 600 });
                    holds.push(hold);
                    live.add(hold.holdId);
                  } catch (error) {
                    expect(error).toBeInstanceOf(SoldOutError);
                  }
                } else if (s.kind === 'release' && holds.length > 0) {
                  const hold = holds[s.hold % holds.length] as HoldRecord;
                  await c.inventory.release(hold.holdId).then(
                    () => live.delete(hold.holdId),
                    () => undefined, // a confirmed hold is not released
                  );
                } else if (s.kind === 'confirm' && holds.length > 0) {
                  const hold = holds[s.hold % holds.length] as HoldRecord;
                  await c.inventory.confirm(hold.holdId).catch(() => undefined); // a released hold is not confirmed
                } else if (s.kind === 'project') {
                  await c.project(serviceId);
                } else if (s.kind === 'reread') {
                  containers[s.container] = container();
                }
              }),
            );
          }

          // The ledger, read back: every segment of every seat has at most one owner, and
          // each live hold still owns every segment it was given.
          const owners = new Map<string, string>();
          for (const coach of ['05']) {
            for (const seat of await containers[0]!.ledger.readCoach(serviceId, coach, { consistent: true })) {
              for (const [segment, claim] of Object.entries(seat.segments)) if (claim) owners.set(`${seat.seat}/${segment}`, claim.h);
            }
          }
          const claimed = new Map<string, string>();
          for (const hold of holds.filter((h) => live.has(h.holdId))) {
            for (const { seat } of hold.seats) {
              for (let s = hold.fromIndex; s < hold.toIndex; s++) {
                const key = `${seat}/${segmentKey(s)}`;
                expect(claimed.get(key)).toBeUndefined();
                claimed.set(key, hold.holdId);
                expect(owners.get(key)).toBe(hold.holdId);
              }
            }
          }
        }),
        { numRuns: 12 },
      );
    });

    it('answers a clean sold-out, not an error, when every seat a stale snapshot shows free was taken', async () => {
      const request = smallService({ rows: 1, letters: ['A', 'B'] });
      const serviceId = serviceIdOf(request.trainNo, request.date);
      const stale = container();
      await stale.timetable.publish(request);
      // The stale container reads the empty train, then another container sells every seat.
      expect((await stale.availability.availability(serviceId, 'VNP', 'AOH')).classes.second?.available).toBe(2);
      const other = container();
      await other.inventory.hold({ holdId: randomUUID(), serviceId, from: 'VNP', to: 'AOH', seatClass: 'second', count: 2, ttlSeconds: 600 });

      const attempt = stale.inventory.hold({ holdId: randomUUID(), serviceId, from: 'VNP', to: 'AOH', seatClass: 'second', count: 1, ttlSeconds: 600 });

      await expect(attempt).rejects.toBeInstanceOf(SoldOutError);
      await expect(attempt).rejects.not.toBeInstanceOf(HoldContentionError);
      // It re-read the coach it lost in: its own view now shows the train full.
      expect((await stale.availability.availability(serviceId, 'VNP', 'AOH')).classes.second?.available).toBe(0);
    });
  });
});
