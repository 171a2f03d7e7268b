import { railwayDate } from './departure';
import type { TimetableStore } from './timetable-store';

export interface Station {
  code: string;
  name: string;
}

/** The contract lets the list lag by up to 10 s; one read per execution environment per window. */
export const STATIONS_CACHE_MS = 10_000;

export { railwayDate };

/**
 * The stations a traveller can pick: every stop of an open service departing
 * today (railway local time) or later, each code once, ordered by code.
 *
 * 1. Answer the cached list while it is younger than STATIONS_CACHE_MS.
 * 2. Otherwise read the stops of every open service from today on.
 * 3. Keep the first name met for each code (a service defines its own stops).
 */
export class StationList {
  private cached: { at: number; stations: Promise<Station[]> } | undefined;

  constructor(
    private readonly store: Pick<TimetableStore, 'stopsOfServicesFrom'>,
    private readonly now: () => number = Date.now,
    private readonly cacheMs: number = STATIONS_CACHE_MS,
  ) {}

  list(): Promise<Station[]> {
    const now = this.now();
    if (this.cached && now - this.cached.at < this.cacheMs) return this.cached.stations;
    const stations = this.read(railwayDate(now));
    this.cached = { at: now, stations };
    // A failed read is not cached: the next request tries again.
    stations.catch(() => {
      if (this.cached?.stations === stations) this.cached = undefined;
    });
    return stations;
  }

  private async read(today: string): Promise<Station[]> {
    const names = new Map<string, string>();
    for (const stops of await this.store.stopsOfServicesFrom(today)) {
      for (const stop of stops) if (!names.has(stop.station)) names.set(stop.station, stop.name);
    }
    return [...names].map(([code, name]) => ({ code, name })).sort((a, b) => a.code.localeCompare(b.code));
  }
}
