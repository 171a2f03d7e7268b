import { ORDER_STATUSES, ORDER_TRANSITIONS, type OrderStatus, canTransition, isFinal } from '../../../lib/orders';

/** The state machine of shared/DESIGN.md, written out independently of the table under test. */
const ALLOWED: ReadonlySet<string> = new Set([
  'INIT→RESERVED',
  'INIT→FAILED',
  'RESERVED→PAID',
  'RESERVED→CANCELLED',
  'RESERVED→EXPIRED',
  'RESERVED→REFUND_REQUIRED',
  'PAID→TICKETED',
  'EXPIRED→REFUND_REQUIRED',
]);

const pairs = ORDER_STATUSES.flatMap((from) => ORDER_STATUSES.map((to) => [from, to] as [OrderStatus, OrderStatus]));

describe('Function: canTransition', () => {
  it('knows exactly the eight statuses of the API', () => {
    // Assess
    expect([...ORDER_STATUSES].sort()).toEqual(['CANCELLED', 'EXPIRED', 'FAILED', 'INIT', 'PAID', 'REFUND_REQUIRED', 'RESERVED', 'TICKETED']);
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
    ['TICKETED', true],
    ['CANCELLED', true],
    ['REFUND_REQUIRED', true],
    ['FAILED', true],
    ['INIT', false],
    ['RESERVED', false],
    ['PAID', false],
    ['EXPIRED', false],
  ] as const)('says %s is final: %s', (status, final) => {
    // Act & Assess
    expect(isFinal(status)).toBe(final);
  });
});
