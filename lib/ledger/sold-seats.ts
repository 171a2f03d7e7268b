import { type AttributeValue, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { SeatId } from '../timetable/service';
import { LedgerBusyError, SeatsNotSoldError } from './errors';
import type { HeldSeats } from './hold';
import { ledgerKeys } from './ledger-keys';
import { SOLD, segmentKey, segmentsOf } from './occupancy';
import type { LinkedWrite, TransactItem } from './seat-ledger';

const ATTEMPTS = 4;

/**
 * Seats given back after they were sold: a refunded ticket (退票), the old ticket
 * of a change (改签). Each seat's segments of the ride are removed only if they
 * are still sold to the hold that bought them, in the same transaction as the
 * writes that say why (the order's next version): a seat is freed once, by the
 * ticket that owned it. The occupancy snapshot follows from the ledger's stream.
 */
export class SoldSeats {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    readonly tableName: string,
  ) {}

  /** The update that frees one seat sold to `sold.holdId` over the ride; fails unless every segment is sold to it. */
  freeItem(sold: Pick<HeldSeats, 'holdId' | 'serviceId' | 'fromIndex' | 'toIndex'>, seat: SeatId): TransactItem {
    const segments = segmentsOf(sold.fromIndex, sold.toIndex);
    return {
      Update: {
        TableName: this.tableName,
        Key: ledgerKeys.seat(sold.serviceId, seat.coach, seat.seat),
        UpdateExpression: `REMOVE ${segments.map((s) => `#${segmentKey(s)}`).join(', ')}`,
        ConditionExpression: segments.map((s) => `#${segmentKey(s)}.#h = :hold AND #${segmentKey(s)}.#st = :sold`).join(' AND '),
        ExpressionAttributeNames: { '#h': 'h', '#st': 'st', ...Object.fromEntries(segments.map((s) => [`#${segmentKey(s)}`, segmentKey(s)])) },
        ExpressionAttributeValues: { ':hold': sold.holdId, ':sold': SOLD },
      },
    };
  }

  /**
   * Frees `sold.seats` and writes `linked`, all or nothing. A linked write whose
   * condition failed throws its own error; a seat no longer sold to the hold,
   * SeatsNotSoldError; a transaction that only met other writers is tried again.
   */
  async release(sold: HeldSeats, linked: readonly LinkedWrite[]): Promise<void> {
    // The linked writes first: when one of them failed too (a race for the order), that is the failure to report.
    await this.transact([...linked.map((l) => l.item), ...sold.seats.map((seat) => this.freeItem(sold, seat))], (index, existing) => {
      if (index < linked.length) return (linked[index] as LinkedWrite).onConditionFailed(existing);
      return new SeatsNotSoldError(`seat ${JSON.stringify(sold.seats[index - linked.length])} of ${sold.serviceId} is not sold to ${sold.holdId}`);
    });
  }

  /** Runs a transaction; the first item whose condition failed names the error thrown. */
  async transact(items: TransactItem[], failure: (index: number, existing?: Record<string, unknown>) => Error): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.db.send(new TransactWriteCommand({ TransactItems: items }));
        return;
      } catch (error) {
        if (!(error instanceof TransactionCanceledException)) throw error;
        const reasons = error.CancellationReasons ?? [];
        const failed = reasons.findIndex((r) => r.Code === 'ConditionalCheckFailed');
        if (failed >= 0) {
          const item = reasons[failed]?.Item;
          throw failure(failed, item ? unmarshall(item as Record<string, AttributeValue>) : undefined);
        }
        if (attempt >= ATTEMPTS) throw new LedgerBusyError('other requests kept writing the same items; retry', { cause: error });
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 10 * 2 ** attempt));
      }
    }
  }
}
