import { ORDER_STATUSES, ORDER_TRANSITIONS, type OrderStatus, canTransition, isFinal } from '../../../lib/orders';

/** The state machine of shared/DESIGN.md, written out independently of the table under test. */
const ALLOWED: ReadonlySet<string> = new Set([
  'RESERVED→PAID',
  'RESERVED→CANCELLED',
  'RESERVED→EXPIRED',
  'RESERVED→REFUND_REQUIRED',
  'PAID→TICKETED',
  'PAID→REFUND_REQUIRED',
  'EXPIRED→REFUND_REQUIRED',
  'TICKETED→REFUNDED',
  'REFUND_REQUIRED→REFUNDED',
  'WAITLISTED→WAITING',
  'WAITLISTED→CANCELLED',
  'WAITLISTED→EXPIRED',
  'WAITLISTED→REFUND_REQUIRED',
  'WAITING→PAID',
  'WAITING→REFUNDED',
]);

const pairs = ORDER_STATUSES.flatMap((from) => ORDER_STATUSES.map((to) => [from, to] as [OrderStatus, OrderStatus]));

describe('Function: canTransition', () => {
  it('knows exactly the statuses of the API', () => {
    // Assess
    expect([...ORDER_STATUSES].sort()).toEqual(['CANCELLED', 'EXPIRED', 'PAID', 'REFUNDED', 'REFUND_REQUIRED', 'RESERVED', 'TICKETED', 'WAITING', 'WAITLISTED']);
    expect(Object.keys(ORDER_TRANSITIONS).sort()).toEqual([...ORDER_STATUSES].sort());
  });

  it.each(pairs.filter(([from, to]) => ALLOWED.has(`${from}→${to}`)))('allows %s → %s', (from, to) => {
    // Act & Assess
    expect(canTransition(from, to)).toBe(true);
  });

  it.each(pairs.filter(([from, to]) => !ALLOWED.has(`${from}→${to}`)))('refuses %s → %s', (from, to) => {
    // Act & Assess
    expect(canTransition(from, to)).toBe(false);
  });
});

describe('Function: isFinal', () => {
  it.each([
    ['TICKETED', false],
    ['CANCELLED', true],
    ['REFUND_REQUIRED', false],
    ['REFUNDED', true],
    ['RESERVED', false],
    ['PAID', false],
    ['EXPIRED', false],
  ] as const)('says %s is final: %s', (status, final) => {
    // Act & Assess
    expect(isFinal(status)).toBe(final);
  });
});
