import { railwayDate } from '../../lib/timetable/stations';

/** How the console shows money and time: yuan from integer fen, railway local time (Asia/Shanghai). */

export const RAILWAY_TIME_ZONE = 'Asia/Shanghai';

/** 55300 → "¥553.00" */
export function yuan(fen: number): string {
  const sign = fen < 0 ? '-' : '';
  const abs = Math.abs(Math.round(fen));
  return `${sign}¥${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

/**
 * An ISO instant as railway local time, to the minute: "2026/12/03 09:30" in Chinese,
 * "2026-12-03 09:30" in English (not en-GB's "03/12/2026", which reads as 12 March in the US).
 */
export function railwayDateTime(iso: string, locale: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', { timeZone: RAILWAY_TIME_ZONE, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })
      .formatToParts(date)
      .map(({ type, value }) => [type, value]),
  );
  const separator = locale === 'zh' ? '/' : '-';
  return `${parts.year}${separator}${parts.month}${separator}${parts.day} ${parts.hour}:${parts.minute}`;
}

/** Today's date in railway local time, YYYY-MM-DD: the default search date. */
export const railwayToday = (nowMs: number = Date.now()): string => railwayDate(nowMs);

/** A service's date plus days, YYYY-MM-DD. */
export function addDays(date: string, days: number): string {
  const next = new Date(`${date}T00:00:00Z`);
  next.setUTCDate(next.getUTCDate() + days);
  return next.toISOString().slice(0, 10);
}

/** Whole seconds left until an instant, never below zero: "29:58", or "1:02:03" from an hour. */
export function countdown(secondsLeft: number): string {
  const s = Math.max(0, Math.floor(secondsLeft));
  const pad = (n: number) => String(n).padStart(2, '0');
  const hours = Math.floor(s / 3600);
  const rest = `${pad(Math.floor((s % 3600) / 60))}:${pad(s % 60)}`;
  return hours > 0 ? `${hours}:${rest}` : rest;
}
