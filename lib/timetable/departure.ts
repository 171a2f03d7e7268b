import type { Service } from './service';

/**
 * When trains leave, in absolute time. Timetable times are railway local time
 * (Asia/Shanghai, UTC+8, no daylight saving) on the service's date; a time
 * earlier than the one before it along the route is on the next day (a train
 * that runs past midnight). Pure.
 */
export const RAILWAY_UTC_OFFSET_MS = 8 * 60 * 60 * 1000;
const DAY_MS = 24 * 60 * 60 * 1000;

/** Today's date in railway local time (YYYY-MM-DD). */
export const railwayDate = (nowMs: number): string => new Date(nowMs + RAILWAY_UTC_OFFSET_MS).toISOString().slice(0, 10);

const minutesOf = (clock: string): number => Number(clock.slice(0, 2)) * 60 + Number(clock.slice(3, 5));

/**
 * Epoch ms at which the train leaves stop `stopIndex` (its `departs`); the last
 * stop, which has no `departs`, counts from its `arrives`.
 */
export function departsAt(service: Pick<Service, 'date' | 'stops'>, stopIndex: number): number {
  let day = 0;
  let previous = -1;
  let at = 0;
  for (let i = 0; i <= stopIndex && i < service.stops.length; i++) {
    const stop = service.stops[i] as Service['stops'][number];
    for (const clock of [stop.arrives, stop.departs]) {
      if (clock === undefined) continue;
      const minutes = minutesOf(clock);
      if (minutes < previous) day++;
      previous = minutes;
      at = day * DAY_MS + minutes * 60_000;
    }
  }
  return Date.parse(`${service.date}T00:00:00Z`) - RAILWAY_UTC_OFFSET_MS + at;
}

/** Whether the train has left the ride's boarding stop at `nowMs`: nothing more is sold, held, refunded or changed for it. */
export const hasDeparted = (service: Pick<Service, 'date' | 'stops'>, fromIndex: number, nowMs: number): boolean => nowMs >= departsAt(service, fromIndex);

/** Whether a service date is before today (railway local time): such a train cannot be published. */
export const isPastDate = (date: string, nowMs: number): boolean => date < railwayDate(nowMs);
