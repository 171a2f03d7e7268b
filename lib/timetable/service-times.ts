import type { Service } from './service';

/** Timetables are written, and 12306 counts days, in Beijing time (UTC+8, no daylight saving). */
export const BEIJING_OFFSET_MS = 8 * 3600_000;

const DAY_MS = 86_400_000;
const MINUTE_MS = 60_000;

/**
 * When the train of a service reaches its last stop: the service date at that
 * stop's time, Beijing time, a day later for each time a stop's time comes
 * before the one listed ahead of it (a train running past midnight). The schema
 * requires every time but the first stop's arrival and the last one's departure;
 * a service with none would end the day after its date.
 */
export function serviceEndsAt(service: Pick<Service, 'date' | 'stops'>): Date {
  const midnight = Date.parse(`${service.date}T00:00:00Z`) - BEIJING_OFFSET_MS;
  const times = service.stops.flatMap((stop) => [stop.arrives, stop.departs]).filter((time): time is string => time !== undefined);
  if (times.length === 0) return new Date(midnight + DAY_MS);
  let elapsed = 0;
  let previous = minutesOf(times[0] as string);
  for (const time of times) {
    const minutes = minutesOf(time);
    elapsed += (minutes - previous + 24 * 60) % (24 * 60);
    previous = minutes;
  }
  return new Date(midnight + (minutesOf(times[0] as string) + elapsed) * MINUTE_MS);
}

const minutesOf = (time: string): number => Number(time.slice(0, 2)) * 60 + Number(time.slice(3, 5));
