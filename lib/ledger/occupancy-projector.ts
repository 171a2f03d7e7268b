import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBBatchResponse, DynamoDBRecord } from 'aws-lambda';
import { ServiceNotFoundError } from '../timetable/errors';
import type { Timetable } from '../timetable/timetable';
import { encodeCoach, EMPTY_SEAT, seatOccupancy } from './coach-occupancy';
import { ledgerKeys } from './ledger-keys';
import type { OccupancyStore } from './occupancy-store';
import type { SeatLedger } from './seat-ledger';
import { coachLayouts } from './service-occupancy';

/** A coach whose seats changed in the ledger. */
export interface ChangedCoach {
  serviceId: string;
  coach: string;
}

/**
 * Keeps the occupancy snapshot current: for each coach whose seats changed, read
 * the coach from the ledger (consistently) and store its encoded occupancy,
 * unless a later read is stored already. Derived from the ledger every time, so
 * a repeat, a reordering or a lost write heals with the next change.
 */
export class OccupancyProjector {
  private readonly now: () => number;
  private readonly onFailure: (error: unknown) => void;

  constructor(
    private readonly ledger: SeatLedger,
    private readonly timetable: Timetable,
    private readonly store: OccupancyStore,
    options: { now?: () => number; onFailure?: (error: unknown) => void } = {},
  ) {
    this.now = options.now ?? Date.now;
    this.onFailure = options.onFailure ?? (() => undefined);
  }

  /**
   * The seat ledger's stream in (keys only): each coach changed in the batch is
   * refreshed once. Lambda retries from the lowest sequence number reported, so a
   * coach that failed is reported by its first record in the batch.
   */
  async projectBatch(records: readonly DynamoDBRecord[]): Promise<DynamoDBBatchResponse> {
    const firstRecord = new Map<string, { coach: ChangedCoach; sequenceNumber: string }>();
    for (const record of records) {
      const coach = ledgerKeys.seatPartitionOf(unmarshall((record.dynamodb?.Keys ?? {}) as Record<string, AttributeValue>));
      const key = coach && `${coach.serviceId}#${coach.coach}`;
      if (coach && key && !firstRecord.has(key)) firstRecord.set(key, { coach, sequenceNumber: record.dynamodb?.SequenceNumber ?? '' });
    }
    const results = await Promise.allSettled([...firstRecord.values()].map(({ coach }) => this.refresh(coach)));
    const failed = [...firstRecord.values()].filter((_, i) => results[i]?.status === 'rejected');
    const firstFailure = failed.map((f) => f.sequenceNumber).sort(compareSequenceNumbers)[0];
    const rejected = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (rejected) this.onFailure(rejected.reason);
    return { batchItemFailures: firstFailure === undefined ? [] : [{ itemIdentifier: firstFailure }] };
  }

  /** Re-reads one coach and stores its occupancy. Seats of a service not (or no longer) in the timetable are nobody's to show. */
  async refresh({ serviceId, coach }: ChangedCoach): Promise<void> {
    const service = await this.timetable.service(serviceId).catch((error: unknown) => {
      if (error instanceof ServiceNotFoundError) return undefined;
      throw error;
    });
    if (!service) return;
    const layout = coachLayouts(service).find((c) => c.coach === coach);
    if (!layout) return;
    const readAt = this.now();
    const seats = new Map((await this.ledger.readCoach(serviceId, coach, { consistent: true })).map((s) => [s.seat, s.segments]));
    const occupancy = layout.seats.map((s) => {
      const segments = seats.get(s.seat);
      return segments ? seatOccupancy(segments, readAt) : EMPTY_SEAT;
    });
    await this.store.write(serviceId, coach, encodeCoach(occupancy), readAt);
  }
}

/** Stream sequence numbers are decimal strings of varying length. */
const compareSequenceNumbers = (a: string, b: string): number => a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
