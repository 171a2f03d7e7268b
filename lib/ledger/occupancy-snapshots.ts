import type { Service } from '../timetable/service';
import type { OccupancyStore } from './occupancy-store';
import { ServiceOccupancy } from './service-occupancy';

export interface OccupancySnapshotsOptions {
  /** How long a read serves this container. Under a second, so search and buyers lag the ledger by little more than the stream. @default 500 */
  maxAgeMs?: number;
  now?: () => number;
}

/** Services a container keeps; one container serves few trains, a sale one. */
const MAX_CACHED_SERVICES = 64;

/**
 * The occupancy of a service as this container last read it. At a sale's peak a
 * warm container serves many buyers and searches from one read, and concurrent
 * callers share the read in flight. What the container learns afterwards (its own
 * holds, coaches re-read after a lost race) is kept in the same object.
 */
export class OccupancySnapshots {
  private readonly cache = new Map<string, { readAt: number; occupancy: Promise<ServiceOccupancy> }>();
  private readonly maxAgeMs: number;
  private readonly now: () => number;

  constructor(
    private readonly store: OccupancyStore,
    options: OccupancySnapshotsOptions = {},
  ) {
    this.maxAgeMs = options.maxAgeMs ?? 500;
    this.now = options.now ?? Date.now;
  }

  current(service: Service): Promise<ServiceOccupancy> {
    const now = this.now();
    const cached = this.cache.get(service.serviceId);
    if (cached && now - cached.readAt < this.maxAgeMs && now >= cached.readAt) return cached.occupancy;

    const entry = { readAt: now, occupancy: this.store.read(service.serviceId).then((bytes) => ServiceOccupancy.decode(service, bytes)) };
    this.cache.delete(service.serviceId);
    this.cache.set(service.serviceId, entry);
    if (this.cache.size > MAX_CACHED_SERVICES) this.cache.delete(this.cache.keys().next().value as string);
    entry.occupancy.catch(() => {
      if (this.cache.get(service.serviceId) === entry) this.cache.delete(service.serviceId);
    });
    return entry.occupancy;
  }
}
