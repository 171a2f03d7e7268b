import { createHash } from 'node:crypto';
import type { SeatClass, SeatId } from '../timetable/service';

export interface HoldPreferences {
  letters?: string[];
  together?: boolean;
}

/** A request for seats, already checked against the service (stations resolved to stop indexes). */
export interface HoldRequest {
  holdId: string;
  serviceId: string;
  from: string;
  to: string;
  fromIndex: number;
  toIndex: number;
  seatClass: SeatClass;
  count: number;
  ttlSeconds: number;
  preferences?: HoldPreferences;
}

export type HoldStatus = 'HELD' | 'CONFIRMED' | 'RELEASED';

export interface HoldRecord {
  holdId: string;
  serviceId: string;
  from: string;
  to: string;
  fromIndex: number;
  toIndex: number;
  seatClass: SeatClass;
  seats: SeatId[];
  expiresAt: string;
  status: HoldStatus;
  /** Digest of the request that made the hold: a retry with the same id must ask for the same thing. */
  fingerprint: string;
  createdAt: string;
}

/**
 * What a hold holds: enough to sell or give back its seats without reading it.
 * `recorded: false` for a hold made without a hold record (`HoldOptions.record`):
 * its caller's own item (an order) is its record, and that item's condition
 * decides between a sale and a release.
 */
export type HeldSeats = Pick<HoldRecord, 'holdId' | 'serviceId' | 'fromIndex' | 'toIndex' | 'seats'> & { recorded?: boolean };

export function holdFingerprint({ serviceId, fromIndex, toIndex, seatClass, count, ttlSeconds, preferences }: HoldRequest): string {
  const canonical = JSON.stringify([serviceId, fromIndex, toIndex, seatClass, count, ttlSeconds, preferences?.letters ?? [], preferences?.together ?? true]);
  return createHash('sha256').update(canonical).digest('hex');
}
