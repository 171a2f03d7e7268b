import { RAILWAY_UTC_OFFSET_MS } from '../../lib/timetable/departure';
import { feePercent, refundFee } from '../../lib/after-sale/refund-fee';
import type { ServiceSummary, Ticket } from './api';

/**
 * What the console works out before an after-sale request (退票, 改签, 候补): when a
 * ride leaves, the refund fee by the server's own rule (lib/after-sale/refund-fee.ts),
 * a waitlist deadline. Pure: the server still decides, and its answer is shown.
 */

const MINUTE_MS = 60_000;
/** The waitlist deadline offered by default: this long before the train leaves. */
export const WAITLIST_DEFAULT_LEAD_MS = 2 * 60 * MINUTE_MS;

/**
 * Epoch ms at which a searched ride leaves its boarding stop: the search's `departsAt`
 * (the right day even for a stop past midnight of the service date); from an API
 * without it, the service date plus the stop's `departs`, railway local time.
 */
export function rideDepartsAt(summary: Pick<ServiceSummary, 'date' | 'from'>): number | undefined {
  if (summary.from.departsAt) return Date.parse(summary.from.departsAt);
  const clock = summary.from.departs;
  if (!clock) return undefined;
  return Date.parse(`${summary.date}T${clock}:00Z`) - RAILWAY_UTC_OFFSET_MS;
}

export interface FeeLine {
  ticketNo: string;
  passengerName: string;
  fare: number;
  percent: number;
  fee: number;
  amount: number;
}

/** The refund of each ticket if confirmed at `nowMs`: fare, the fee and its rate, what goes back. */
export function refundPreview(tickets: readonly Pick<Ticket, 'ticketNo' | 'passengerName' | 'fare'>[], departsAtMs: number, nowMs: number): FeeLine[] {
  const msLeft = departsAtMs - nowMs;
  return tickets.map((ticket) => {
    const fee = refundFee(ticket.fare, msLeft);
    return { ticketNo: ticket.ticketNo, passengerName: ticket.passengerName, fare: ticket.fare, percent: feePercent(msLeft), fee, amount: ticket.fare - fee };
  });
}

/** An instant as a `datetime-local` value in railway local time, to the minute: "2026-12-04T07:00". */
export const toRailwayInput = (ms: number): string => new Date(ms + RAILWAY_UTC_OFFSET_MS).toISOString().slice(0, 16);

/** A `datetime-local` value read as railway local time; undefined when it is no time. */
export function fromRailwayInput(value: string): number | undefined {
  if (!/^\d{4}-\d\d-\d\dT\d\d:\d\d$/.test(value)) return undefined;
  const ms = Date.parse(`${value}:00Z`);
  return Number.isNaN(ms) ? undefined : ms - RAILWAY_UTC_OFFSET_MS;
}

const floorToMinute = (ms: number): number => Math.floor(ms / MINUTE_MS) * MINUTE_MS;

/** The latest deadline a waitlist request may have: a whole minute before departure (it must be before). */
export const latestWaitlistUntil = (departsAtMs: number): number => floorToMinute(departsAtMs - 1);

/** The deadline offered: two hours before departure, or halfway there when the train leaves sooner. */
export function defaultWaitlistUntil(departsAtMs: number, nowMs: number): number {
  const preferred = departsAtMs - WAITLIST_DEFAULT_LEAD_MS;
  return floorToMinute(preferred > nowMs + MINUTE_MS ? preferred : nowMs + (departsAtMs - nowMs) / 2);
}

/** Why a waitlist deadline cannot be sent, or undefined when it can. */
export function waitlistUntilProblem(untilMs: number | undefined, departsAtMs: number, nowMs: number): 'missing' | 'past' | 'afterDeparture' | undefined {
  if (untilMs === undefined) return 'missing';
  if (untilMs <= nowMs) return 'past';
  if (untilMs >= departsAtMs) return 'afterDeparture';
  return undefined;
}
