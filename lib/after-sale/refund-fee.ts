/**
 * 退票 fees (12306's rule): a share of the ticket's fare by the time left before
 * that ticket departs, rounded to the nearest 50 fen (25 rounds up), at least
 * 200 fen wherever a rate applies, never more than the fare. Pure.
 */
const HOUR_MS = 60 * 60 * 1000;

/** Tiers from the longest time left down: at or above `atLeastMs` left, `percent` of the fare. */
export const REFUND_FEE_TIERS = [
  { atLeastMs: 8 * 24 * HOUR_MS, percent: 0 },
  { atLeastMs: 48 * HOUR_MS, percent: 5 },
  { atLeastMs: 24 * HOUR_MS, percent: 10 },
  { atLeastMs: Number.NEGATIVE_INFINITY, percent: 20 },
] as const;

export const FEE_ROUNDING_FEN = 50;
export const MINIMUM_FEE_FEN = 200;

/** The percentage of the fare charged with `msLeft` before departure. */
export const feePercent = (msLeft: number): number => (REFUND_FEE_TIERS.find((tier) => msLeft >= tier.atLeastMs) as (typeof REFUND_FEE_TIERS)[number]).percent;

/**
 * The fee, in fen, for refunding a ticket of `fare` fen `msLeft` before it departs.
 * Integer arithmetic only: `fare * percent / 100` rounded half up to a multiple of 50.
 */
export function refundFee(fare: number, msLeft: number): number {
  const percent = feePercent(msLeft);
  if (percent === 0) return 0;
  const step = FEE_ROUNDING_FEN * 100;
  const rounded = Math.floor((fare * percent + step / 2) / step) * FEE_ROUNDING_FEN;
  return Math.min(fare, Math.max(MINIMUM_FEE_FEN, rounded));
}
