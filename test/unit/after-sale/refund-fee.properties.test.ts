import fc from 'fast-check';
import { MINIMUM_FEE_FEN, feePercent, refundFee } from '../../../lib/after-sale/refund-fee';

const HOUR = 60 * 60 * 1000;
const DAY = 24 * HOUR;
const fare = fc.integer({ min: 1, max: 2_000_000 });
const msLeft = fc.integer({ min: -DAY, max: 30 * DAY });

describe('Function: refundFee', () => {
  it('never charges more than the fare, nor less than nothing', () => {
    fc.assert(fc.property(fare, msLeft, (f, left) => refundFee(f, left) >= 0 && refundFee(f, left) <= f));
  });

  it('charges no less as departure comes closer', () => {
    fc.assert(fc.property(fare, msLeft, msLeft, (f, a, b) => refundFee(f, Math.min(a, b)) >= refundFee(f, Math.max(a, b))));
  });

  it('charges a multiple of 50 fen whenever the fare is at least 200 fen', () => {
    fc.assert(fc.property(fc.integer({ min: MINIMUM_FEE_FEN, max: 2_000_000 }), msLeft, (f, left) => refundFee(f, left) % 50 === 0));
  });

  it('charges at least 200 fen where a rate applies, or the whole fare below 200', () => {
    fc.assert(
      fc.property(fare, fc.integer({ min: -DAY, max: 8 * DAY - 1 }), (f, left) => (f < MINIMUM_FEE_FEN ? refundFee(f, left) === f : refundFee(f, left) >= MINIMUM_FEE_FEN)),
    );
  });

  it('is the rate of the fare rounded to the nearest 50 fen, within 25 fen', () => {
    fc.assert(
      fc.property(fc.integer({ min: 4_000, max: 2_000_000 }), msLeft, (f, left) => {
        const exact = (f * feePercent(left)) / 100;
        return feePercent(left) === 0 || Math.abs(refundFee(f, left) - exact) <= 25;
      }),
    );
  });

  it('changes tier exactly at 8 days, 48 hours and 24 hours left', () => {
    expect([8 * DAY, 8 * DAY - 1, 48 * HOUR, 48 * HOUR - 1, 24 * HOUR, 24 * HOUR - 1, 0].map(feePercent)).toEqual([0, 5, 5, 10, 10, 20, 20]);
    expect(refundFee(55_300, 8 * DAY)).toBe(0);
    expect(refundFee(55_300, 8 * DAY - 1)).toBe(2_750); // 2765 → 2750
    expect(refundFee(55_300, 24 * HOUR)).toBe(5_550); // 5530 → 5550
    expect(refundFee(55_300, 24 * HOUR - 1)).toBe(11_050); // 11060 → 11050
  });

  it('rounds 25 fen up and 24.99 down', () => {
    expect(refundFee(10_500, 0)).toBe(2_100); // 20 %: 2100 exactly
    expect(refundFee(5_125, 3 * DAY)).toBe(250); // 5 %: 256.25 → 250
    expect(refundFee(10_500, 3 * DAY)).toBe(550); // 5 %: 525 → 550 (25 rounds up)
    expect(refundFee(10_499, 3 * DAY)).toBe(500); // 5 %: 524.95 → 500
  });

  it('charges 200 fen where the rate gives less, and the fare itself below 200 fen', () => {
    expect(refundFee(1_000, 3 * DAY)).toBe(200);
    expect(refundFee(150, 0)).toBe(150);
  });
});
