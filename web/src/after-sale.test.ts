import { describe, expect, it } from 'vitest';
import { rideDepartsAt } from './after-sale';

describe('rideDepartsAt', () => {
  it('takes the instant the search gives, so a boarding stop past midnight counts on the next day', () => {
    const summary = { date: '2026-12-01', from: { station: 'JGK', departs: '00:34', departsAt: '2026-12-01T16:34:00.000Z' } };
    expect(rideDepartsAt(summary)).toBe(Date.parse('2026-12-02T00:34:00+08:00'));
  });

  it('reads the service date and the boarding time as Beijing time when the search gives no instant', () => {
    expect(rideDepartsAt({ date: '2026-12-01', from: { station: 'VNP', departs: '09:00' } })).toBe(Date.parse('2026-12-01T09:00:00+08:00'));
    expect(rideDepartsAt({ date: '2026-12-01', from: { station: 'VNP' } })).toBeUndefined();
  });
});
