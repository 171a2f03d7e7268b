/**
 * The write units AWS bills for a `TransactWriteItems`, where DynamoDB Local
 * reports too few.
 *
 * AWS bills every action of a transaction on its own: 2 WCU per 1 KB of the
 * item, rounded up per item (a ConditionCheck is billed as a write of its item).
 * DynamoDB Local reports, per table, two units for the largest item only: a
 * transaction of five 300-byte items in one table reports 2 WCU where AWS bills
 * 10 (checked against DynamoDB Local 2.x). The benchmarks' cost figures count
 * what AWS would bill, so the metering corrects it here.
 *
 * A Put carries its item, so its size is known. An Update, Delete or
 * ConditionCheck names only the key: it counts as one 1 KB unit (every item
 * this system updates inside a transaction is smaller than 1 KB; `npm run
 * bench -- cost` reads them back to show it), or as DynamoDB Local's figure
 * for the table when that is larger. Index writes are taken as DynamoDB Local
 * reports them (they are not transactional writes on AWS either).
 */

/** An attribute value as the DynamoDB JSON protocol sends it. */
type WireValue = { S?: string; N?: string; B?: string; BOOL?: boolean; NULL?: boolean; M?: Record<string, WireValue>; L?: WireValue[]; SS?: string[]; NS?: string[]; BS?: string[] };

interface WireAction {
  TableName?: string;
  Item?: Record<string, WireValue>;
}

export interface WireTransaction {
  TransactItems?: Array<{ Put?: WireAction; Update?: WireAction; Delete?: WireAction; ConditionCheck?: WireAction }>;
}

interface WireCapacity {
  TableName?: string;
  CapacityUnits?: number;
  WriteCapacityUnits?: number;
  Table?: { CapacityUnits?: number; WriteCapacityUnits?: number };
  GlobalSecondaryIndexes?: Record<string, { CapacityUnits?: number; WriteCapacityUnits?: number }>;
  LocalSecondaryIndexes?: Record<string, { CapacityUnits?: number; WriteCapacityUnits?: number }>;
}

const KB = 1024;
const TRANSACTIONAL = 2;

/** The size DynamoDB counts for a value: strings and binaries by their bytes, numbers by their digits, documents with 3 bytes of overhead and 1 per element. */
export function valueSize(value: WireValue): number {
  if (value.S !== undefined) return Buffer.byteLength(value.S);
  if (value.N !== undefined) return numberSize(value.N);
  if (value.B !== undefined) return Buffer.from(value.B, 'base64').length;
  if (value.BOOL !== undefined || value.NULL !== undefined) return 1;
  if (value.M !== undefined) return 3 + Object.entries(value.M).reduce((sum, [name, inner]) => sum + Buffer.byteLength(name) + valueSize(inner) + 1, 0);
  if (value.L !== undefined) return 3 + value.L.reduce((sum, inner) => sum + valueSize(inner) + 1, 0);
  if (value.SS !== undefined) return value.SS.reduce((sum, s) => sum + Buffer.byteLength(s), 0);
  if (value.NS !== undefined) return value.NS.reduce((sum, n) => sum + numberSize(n), 0);
  if (value.BS !== undefined) return value.BS.reduce((sum, b) => sum + Buffer.from(b, 'base64').length, 0);
  return 0;
}

/** An item's size: every attribute's name and value. */
export function itemSize(item: Record<string, WireValue>): number {
  return Object.entries(item).reduce((sum, [name, value]) => sum + Buffer.byteLength(name) + valueSize(value), 0);
}

/** About one byte per two significant digits, plus one. */
function numberSize(n: string): number {
  const digits = n.replace(/^-/, '').replace(/e.*$/i, '').replace('.', '').replace(/^0+/, '').replace(/0+$/, '');
  return Math.ceil(Math.max(1, digits.length) / 2) + 1;
}

/** The units AWS bills the table part of each action, by table. */
export function transactionTableUnits(request: WireTransaction): Map<string, number> {
  const units = new Map<string, number>();
  for (const action of request.TransactItems ?? []) {
    const put = action.Put;
    const named = put ?? action.Update ?? action.Delete ?? action.ConditionCheck;
    if (!named?.TableName) continue;
    const kilobytes = put?.Item ? Math.max(1, Math.ceil(itemSize(put.Item) / KB)) : 1;
    units.set(named.TableName, (units.get(named.TableName) ?? 0) + TRANSACTIONAL * kilobytes);
  }
  return units;
}

/**
 * The write units of a transaction as AWS bills them: per table the larger of
 * the per-action sum and what DynamoDB Local reported for the table, plus the
 * index units it reported. `reported` is the answer's ConsumedCapacity, asked
 * for with INDEXES (TOTAL does not tell the table's units from the indexes');
 * a cancelled transaction reports none and counts none here.
 */
export function billedTransactionWriteUnits(request: WireTransaction, reported: readonly WireCapacity[]): number {
  const billed = transactionTableUnits(request);
  let total = 0;
  for (const entry of reported) {
    const table = entry.TableName ?? '';
    const indexUnits = [...Object.values(entry.GlobalSecondaryIndexes ?? {}), ...Object.values(entry.LocalSecondaryIndexes ?? {})].reduce(
      (sum, index) => sum + (index.WriteCapacityUnits ?? index.CapacityUnits ?? 0),
      0,
    );
    const reportedTable = entry.Table ? (entry.Table.WriteCapacityUnits ?? entry.Table.CapacityUnits ?? 0) : (entry.WriteCapacityUnits ?? entry.CapacityUnits ?? 0) - indexUnits;
    total += Math.max(reportedTable, billed.get(table) ?? 0) + indexUnits;
  }
  return total;
}
