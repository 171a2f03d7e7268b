import { Inventory } from '../ledger/inventory';
import { OccupancyProjector } from '../ledger/occupancy-projector';
import { OccupancySnapshots } from '../ledger/occupancy-snapshots';
import { OccupancyStore } from '../ledger/occupancy-store';
import { SeatAvailability } from '../ledger/seat-availability';
import { SeatLedger } from '../ledger/seat-ledger';
import { logger } from '../http/logger';
import { countBusinessEvent } from '../observability/business-metrics';
import { Timetable } from '../timetable/timetable';
import { TimetableStore } from '../timetable/timetable-store';
import { dynamoDocumentClient } from './clients';
import { loadConfig } from './config';

let services: LedgerServices | undefined;
let timetableOnly: Timetable | undefined;

export interface LedgerServices {
  timetable: Timetable;
  inventory: Inventory;
  ledger: SeatLedger;
  availability: SeatAvailability;
  occupancy: OccupancyStore;
}

/**
 * The timetable, the seat ledger and what reads its occupancy snapshot, built once
 * per execution environment: the service definitions and the snapshot they cache
 * live as long as the environment.
 */
export function ledgerServices(): LedgerServices {
  if (!services) {
    const { LEDGER_TABLE_NAME, OCCUPANCY_TABLE_NAME } = loadConfig(['LEDGER_TABLE_NAME', 'OCCUPANCY_TABLE_NAME']);
    const db = dynamoDocumentClient();
    const occupancy = new OccupancyStore(db, OCCUPANCY_TABLE_NAME);
    const snapshots = new OccupancySnapshots(occupancy);
    const ledger = new SeatLedger(db, LEDGER_TABLE_NAME, snapshots, { onHoldConflict: () => countBusinessEvent('HoldConflicts') });
    const timetable = new Timetable(new TimetableStore(db, LEDGER_TABLE_NAME));
    services = { timetable, ledger, occupancy, inventory: new Inventory(timetable, ledger), availability: new SeatAvailability(timetable, snapshots) };
  }
  return services;
}

/** The timetable alone, for a function that publishes services and touches no seat (it is given no occupancy table). */
export function timetableServices(): Timetable {
  if (services) return services.timetable;
  if (!timetableOnly) {
    const { LEDGER_TABLE_NAME } = loadConfig(['LEDGER_TABLE_NAME']);
    timetableOnly = new Timetable(new TimetableStore(dynamoDocumentClient(), LEDGER_TABLE_NAME));
  }
  return timetableOnly;
}

/** The seat ledger's stream → the occupancy snapshot. */
export function occupancyProjector(): OccupancyProjector {
  const { ledger, timetable, occupancy } = ledgerServices();
  return new OccupancyProjector(ledger, timetable, occupancy, { onFailure: (error) => logger.error('occupancy refresh failed', { error }) });
}
