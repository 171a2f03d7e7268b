import { Inventory } from '../ledger/inventory';
import { countBusinessEvent } from '../observability/business-metrics';
import { SeatLedger } from '../ledger/seat-ledger';
import { Timetable } from '../timetable/timetable';
import { TimetableStore } from '../timetable/timetable-store';
import { dynamoDocumentClient } from './clients';
import { loadConfig } from './config';

let services: LedgerServices | undefined;

export interface LedgerServices {
  timetable: Timetable;
  inventory: Inventory;
  ledger: SeatLedger;
}

/** The timetable and inventory over the seat-ledger table, built once per execution environment. */
export function ledgerServices(): LedgerServices {
  if (!services) {
    const { LEDGER_TABLE_NAME } = loadConfig(['LEDGER_TABLE_NAME']);
    const db = dynamoDocumentClient();
    const ledger = new SeatLedger(db, LEDGER_TABLE_NAME, { onHoldConflict: () => countBusinessEvent('HoldConflicts') });
    const timetable = new Timetable(new TimetableStore(db, LEDGER_TABLE_NAME), ledger);
    services = { timetable, ledger, inventory: new Inventory(timetable, ledger) };
  }
  return services;
}
