import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { Inventory } from '../../lib/ledger/inventory';
import { OccupancyProjector } from '../../lib/ledger/occupancy-projector';
import { OccupancySnapshots } from '../../lib/ledger/occupancy-snapshots';
import { OccupancyStore } from '../../lib/ledger/occupancy-store';
import { SeatAvailability } from '../../lib/ledger/seat-availability';
import { SeatLedger, type SeatLedgerOptions } from '../../lib/ledger/seat-ledger';
import { coachLayouts } from '../../lib/ledger/service-occupancy';
import { Timetable } from '../../lib/timetable/timetable';
import { TimetableStore } from '../../lib/timetable/timetable-store';

export interface SeatTables {
  ledgerTable: string;
  occupancyTable: string;
}

/**
 * The timetable, ledger, inventory and availability over the emulator's tables,
 * as the functions build them, with a clock the test controls. Nothing caches a
 * snapshot, and nothing projects one unless the test calls `project` — what the
 * ledger's stream and the projector function do in the running system.
 */
export function seatSystem(db: DynamoDBDocumentClient, tables: SeatTables, options: { now?: () => number; ledger?: SeatLedgerOptions; snapshotMaxAgeMs?: number } = {}) {
  const now = options.now ?? Date.now;
  const store = new OccupancyStore(db, tables.occupancyTable);
  const snapshots = new OccupancySnapshots(store, { maxAgeMs: options.snapshotMaxAgeMs ?? 0, now });
  const ledger = new SeatLedger(db, tables.ledgerTable, snapshots, { now, ...options.ledger });
  const timetable = new Timetable(new TimetableStore(db, tables.ledgerTable), { now });
  const projector = new OccupancyProjector(ledger, timetable, store, { now });
  return {
    ledger,
    timetable,
    store,
    snapshots,
    inventory: new Inventory(timetable, ledger),
    availability: new SeatAvailability(timetable, snapshots, now),
    /** Every coach of the service re-projected into the snapshot. */
    project,
    /** `project` every `intervalMs` until stopped: the stream and projector of the running system, for benchmarks. */
    projectEvery: (serviceId: string, intervalMs: number) => {
      let stopped = false;
      const loop = (async () => {
        while (!stopped) {
          await project(serviceId);
          await new Promise((resolve) => setTimeout(resolve, intervalMs));
        }
      })();
      return async () => {
        stopped = true;
        await loop;
      };
    },
  };

  async function project(serviceId: string): Promise<void> {
    const service = await timetable.service(serviceId);
    await Promise.all(coachLayouts(service).map(({ coach }) => projector.refresh({ serviceId, coach })));
  }
}
