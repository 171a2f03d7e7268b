import { epochSeconds, finishedOrderViewTtl, idempotencyRecordTtl, passengerClaimTtl, releasedHoldTtl } from '../../../lib/lifecycle/ttl';

const AT = new Date('2026-12-03T08:00:00.500Z');
const DAY = 86_400;

describe('Module: ttl', () => {
  it('counts in whole epoch seconds, as DynamoDB TTL reads them', () => {
    expect(epochSeconds(AT)).toBe(1796284800);
  });

  it.each([
    ['an idempotency record, a week after it was written', idempotencyRecordTtl, 7],
    ['a released hold, a day after its release', releasedHoldTtl, 1],
    ['a passenger claim, a day after the train departs', passengerClaimTtl, 1],
    ["a finished order's view, 400 days after it finished", finishedOrderViewTtl, 400],
  ] as const)('expires %s', (_, ttl, days) => {
    expect(ttl(AT)).toBe(epochSeconds(AT) + days * DAY);
  });
});
