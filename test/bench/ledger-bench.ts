import { randomUUID } from 'node:crypto';
import { DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { startEmulators } from '../../infra/local/emulators';
import { type ConsumedCapacity, capacityUnits } from '../../infra/local/metering-proxy';
import { SoldOutError } from '../../lib/ledger/errors';
import type { PublishServiceRequest } from '../../lib/timetable/service';
import { provisionFromTemplate } from '../helpers/ledger-table';
import { daysFromNow } from '../helpers/services';
import { type SeatTables, seatSystem } from '../helpers/seat-system';
import type { BenchRow } from './bench-row';

const SECTION = 'seat ledger (DynamoDB Local)';
const RUN_MS = 4_000;
const STOPS = 20;

/** 16 coaches × 15 rows × A B C D F = 1,200 second-class seats, 20 stops. */
export function benchTrain(trainNo: string): PublishServiceRequest {
  return {
    trainNo,
    date: daysFromNow(30),
    stops: Array.from({ length: STOPS }, (_, i) => ({
      station: `S${String.fromCharCode(65 + Math.floor(i / 26))}${String.fromCharCode(65 + (i % 26))}`,
      name: `Stop ${i}`,
      ...(i > 0 ? { arrives: '10:00' } : {}),
      ...(i < STOPS - 1 ? { departs: '10:02' } : {}),
    })),
    coaches: Array.from({ length: 16 }, (_, i) => ({ coach: String(i + 1).padStart(2, '0'), seatClass: 'second' as const, rows: 15, letters: ['A', 'B', 'C', 'D', 'F'] })),
    fares: { second: 55300 },
  };
}

/**
 * Sums the capacity of every call of a client as AWS would bill it (DynamoDB's
 * ConsumedCapacity, a transaction's write units counted per item: transaction-billing.ts),
 * and counts calls by command.
 */
export function meteredClient() {
  const totals = { read: 0, write: 0, calls: 0, byCommand: {} as Record<string, number> };
  const client = new DynamoDBClient({});
  client.middlewareStack.add(
    (next, context) => async (args) => {
      // By the build step the document client has marshalled the input: attribute values as on the wire.
      const request = args.input;
      const result = await next(args);
      const consumed = (result.output as { ConsumedCapacity?: ConsumedCapacity | ConsumedCapacity[] }).ConsumedCapacity;
      const command = context.commandName ?? 'unknown';
      const { read, write } = capacityUnits(command.replace(/Command$/, ''), consumed, request);
      totals.read += read;
      totals.write += write;
      totals.calls++;
      totals.byCommand[command] = (totals.byCommand[command] ?? 0) + 1;
      return result;
    },
    { step: 'build', name: 'meterCapacity' },
  );
  client.middlewareStack.add(
    (next) => async (args) => {
      (args.input as { ReturnConsumedCapacity?: string }).ReturnConsumedCapacity = 'INDEXES';
      return next(args);
    },
    { step: 'initialize', name: 'askForCapacity' },
  );
  return { db: DynamoDBDocumentClient.from(client), totals };
}

/**
 * Buyers in one process share one snapshot cache (500 ms), as buyers served by one
 * warm container would; the snapshot is re-projected every 250 ms on a separate
 * client, as the ledger's stream and the projector function do in the running system.
 */
async function holdsAtConcurrency(tables: SeatTables, buyers: number): Promise<BenchRow[]> {
  const { db, totals } = meteredClient();
  let conflicts = 0;
  const { inventory, timetable } = seatSystem(db, tables, { snapshotMaxAgeMs: 500, ledger: { onHoldConflict: () => conflicts++ } });
  const train = benchTrain(`G${9000 + buyers}`);
  const { serviceId } = await timetable.publish(train);
  const stations = train.stops.map((s) => s.station);
  const stopProjecting = seatSystem(plainClient(), tables).projectEvery(serviceId, 250);
  Object.assign(totals, { read: 0, write: 0, calls: 0, byCommand: {} });

  let holds = 0;
  let soldOut = 0;
  const started = Date.now();
  const buyer = async () => {
    while (Date.now() - started < RUN_MS) {
      const a = Math.floor(Math.random() * (STOPS - 1));
      const b = a + 1 + Math.floor(Math.random() * (STOPS - 1 - a));
      try {
        await inventory.hold({ holdId: randomUUID(), serviceId, from: stations[a] as string, to: stations[b] as string, seatClass: 'second', count: 1 + Math.floor(Math.random() * 2), ttlSeconds: 900 });
        holds++;
      } catch (error) {
        if (!(error instanceof SoldOutError)) throw error;
        soldOut++;
      }
    }
  };
  await Promise.all(Array.from({ length: buyers }, buyer));
  const seconds = (Date.now() - started) / 1000;
  await stopProjecting();
  const attempts = holds + soldOut + conflicts;
  return [
    { section: SECTION, metric: `holds/s, ${buyers} concurrent buyer${buyers > 1 ? 's' : ''} on one train`, value: (holds / seconds).toFixed(0) },
    { section: SECTION, metric: `  conflict-retry rate (${buyers} buyers)`, value: `${((100 * conflicts) / Math.max(attempts, 1)).toFixed(1)} % of attempts` },
    { section: SECTION, metric: `  consumed per hold (${buyers} buyers)`, value: `${(totals.write / Math.max(holds, 1)).toFixed(1)} WCU, ${(totals.read / Math.max(holds, 1)).toFixed(1)} RCU, ${(totals.calls / Math.max(holds, 1)).toFixed(1)} calls` },
  ];
}

const plainClient = () => DynamoDBDocumentClient.from(new DynamoDBClient({}), { marshallOptions: { removeUndefinedValues: true } });

async function rawPutRate(tableName: string): Promise<BenchRow> {
  const client = new DynamoDBClient({});
  let puts = 0;
  const started = Date.now();
  const writer = async () => {
    while (Date.now() - started < RUN_MS / 2) {
      await client.send(new PutItemCommand({ TableName: tableName, Item: { pk: { S: `BENCH#${randomUUID()}` }, sk: { S: 'PUT' } } }));
      puts++;
    }
  };
  await Promise.all(Array.from({ length: 10 }, writer));
  return { section: SECTION, metric: 'raw single-item PutItem/s (10 writers), for scale', value: (puts / ((Date.now() - started) / 1000)).toFixed(0) };
}

export async function runLedgerBench(): Promise<BenchRow[]> {
  const emulators = await startEmulators();
  Object.assign(process.env, emulators.env);
  try {
    const tables = await provisionFromTemplate();
    const rows: BenchRow[] = [];
    for (const buyers of [1, 10, 50]) rows.push(...(await holdsAtConcurrency(tables, buyers)));
    rows.push(await rawPutRate(tables.ledgerTable));
    return rows;
  } finally {
    await emulators.stop();
  }
}
