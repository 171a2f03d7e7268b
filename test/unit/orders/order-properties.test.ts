import fc from 'fast-check';
import {
  InvalidStateError,
  ORDER_STATUSES,
  type Order,
  type OrderStatus,
  type Payment,
  type PaymentOutcome,
  applyPayment,
  canTransition,
  cancel,
  expire,
  isFinal,
  ticket,
} from '../../../lib/orders';
import { CREATED_AT, deepFreeze, payment, reservedOrder, ticketsFor } from './order-fixtures';

/** True four times in five: most callbacks match the order, so most sequences get past the mismatch check. */
const mostly = () => fc.oneof({ weight: 4, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) });

/** A callback from the provider: right or wrong amount and currency, succeeded or failed, one of a few payment ids. */
const callbackArbitrary: fc.Arbitrary<Payment> = fc
  .record({
    paymentId: fc.constantFrom('pay-1', 'pay-2', 'pay-3'),
    status: fc.constantFrom('SUCCEEDED' as const, 'FAILED' as const),
    amountOk: mostly(),
    currencyOk: mostly(),
  })
  .map(({ paymentId, status, amountOk, currencyOk }) =>
    payment({ paymentId, status, amount: amountOk ? 55300 : 55301, currency: currencyOk ? 'CNY' : 'USD' }),
  );

type Command =
  | { type: 'pay'; callback: Payment; seatsStillHeld: boolean; minutes: number }
  | { type: 'replay'; pick: number; seatsStillHeld: boolean; minutes: number }
  | { type: 'cancel'; minutes: number }
  | { type: 'expire'; minutes: number }
  | { type: 'ticket'; minutes: number };

const minutes = fc.integer({ min: 0, max: 15 });
const commandArbitrary: fc.Arbitrary<Command> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ type: fc.constant('pay' as const), callback: callbackArbitrary, seatsStillHeld: fc.boolean(), minutes }) },
  { weight: 2, arbitrary: fc.record({ type: fc.constant('replay' as const), pick: fc.nat(), seatsStillHeld: fc.boolean(), minutes }) },
  { weight: 1, arbitrary: fc.record({ type: fc.constant('cancel' as const), minutes }) },
  { weight: 1, arbitrary: fc.record({ type: fc.constant('expire' as const), minutes }) },
  { weight: 1, arbitrary: fc.record({ type: fc.constant('ticket' as const), minutes }) },
);

const IMMUTABLE: (keyof Order)[] = ['orderId', 'userId', 'serviceId', 'from', 'to', 'fromIndex', 'toIndex', 'seatClass', 'passengers', 'seats', 'amount', 'currency', 'holdId', 'expiresAt', 'createdAt'];
const SETTLED: ReadonlySet<OrderStatus> = new Set(['PAID', 'TICKETED']);

interface Step {
  next: Order;
  kind?: PaymentOutcome['kind'];
  /** The callback applied, and whether it had been applied before. */
  callback?: Payment;
  replay: boolean;
}

/** Runs one command; a refusal (InvalidStateError from cancel or ticket) leaves the order as it was. */
function run(order: Order, command: Command, now: Date, history: Payment[]): Step {
  switch (command.type) {
    case 'pay':
    case 'replay': {
      // A replay before any callback has nothing to replay: it sends the matching one.
      const earlier = command.type === 'replay' ? history[command.pick % Math.max(history.length, 1)] : undefined;
      const callback = command.type === 'pay' ? command.callback : (earlier ?? payment());
      const replay = earlier !== undefined;
      const outcome = applyPayment(order, callback, { seatsStillHeld: command.seatsStillHeld, now });
      const changes = outcome.kind === 'paid' || outcome.kind === 'refund-required' || outcome.kind === 'waiting';
      expect(outcome.order !== order).toBe(changes);
      return { next: outcome.order, kind: outcome.kind, callback, replay };
    }
    case 'cancel':
      return { next: refusedAsInvalidState(order, () => cancel(order, now)), replay: false };
    case 'expire':
      return { next: expire(order, now), replay: false };
    case 'ticket':
      return { next: refusedAsInvalidState(order, () => ticket(order, ticketsFor(order), now)), replay: false };
  }
}

function refusedAsInvalidState(order: Order, decide: () => Order): Order {
  try {
    return decide();
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidStateError);
    return order;
  }
}

describe('Properties: order decisions on a RESERVED order', () => {
  it('keep the state machine, the version and the payment invariants over any sequence of callbacks, cancels, expiries and tickets', () => {
    fc.assert(
      fc.property(fc.array(commandArbitrary, { minLength: 1, maxLength: 25 }), (commands) => {
        let order = deepFreeze(reservedOrder());
        let clock = CREATED_AT.getTime();
        let everCancelled = false;
        const history: Payment[] = [];

        for (const command of commands) {
          clock += command.minutes * 60_000;
          const now = new Date(clock);
          const previous = order;
          const { next, kind, callback, replay } = run(previous, command, now, history);
          const changed = next !== previous;

          // The version moves by exactly one on a change, with a status change the table allows, and never otherwise.
          if (changed) {
            expect(next.version).toBe(previous.version + 1);
            expect(canTransition(previous.status, next.status)).toBe(true);
            expect(next.updatedAt).toBe(now.toISOString());
            for (const key of IMMUTABLE) expect(next[key]).toEqual(previous[key]);
          } else {
            expect(next).toEqual(previous);
          }
          expect(next.status !== previous.status).toBe(changed);

          // A final status is never left; once cancelled, no payment pays the order.
          if (isFinal(previous.status)) expect(next).toBe(previous);
          everCancelled ||= next.status === 'CANCELLED';
          if (everCancelled) expect(next.status).toBe('CANCELLED');

          // A callback applied before never changes anything; the recorded payment again is answered as a replay.
          if (replay) expect(next).toBe(previous);
          if (callback && callback.paymentId === previous.paymentId && callback.amount === previous.amount && callback.currency === previous.currency) {
            expect(kind).toBe('replayed');
          }

          // Paid and ticketed orders never go back; a recorded payment is never replaced.
          if (SETTLED.has(previous.status)) expect(SETTLED.has(next.status)).toBe(true);
          if (previous.status === 'TICKETED') expect(next.status).toBe('TICKETED');
          if (previous.paymentId !== undefined) expect(next.paymentId).toBe(previous.paymentId);

          // Only a matching, successful payment while the seats are held pays the order.
          if (next.status === 'PAID' && previous.status !== 'PAID') {
            expect(previous.status).toBe('RESERVED');
            expect(callback).toMatchObject({ status: 'SUCCEEDED', amount: previous.amount, currency: previous.currency });
            expect(command).toMatchObject({ seatsStillHeld: true });
            expect(next.paymentId).toBe(callback?.paymentId);
          }

          if (callback) history.push(callback);
          order = deepFreeze(next);
        }
      }),
      { numRuns: 500 },
    );
  });
});

describe('Properties: one decision on an order in any status', () => {
  const orderInArbitrary = fc.record({
    status: fc.constantFrom(...ORDER_STATUSES),
    version: fc.integer({ min: 1, max: 50 }),
    paymentId: fc.option(fc.constantFrom('pay-1', 'pay-2'), { nil: undefined }),
  });

  it('changes the order only along the table, by one version, or not at all', () => {
    fc.assert(
      fc.property(orderInArbitrary, commandArbitrary, ({ status, version, paymentId }, command) => {
        // Prepare
        const base = reservedOrder({ status, version });
        const order = deepFreeze(paymentId === undefined ? base : { ...base, paymentId });
        const now = new Date(CREATED_AT.getTime() + command.minutes * 4 * 60_000);

        // Act
        const { next } = run(order, command, now, []);

        // Assess
        if (next === order) return;
        expect(canTransition(order.status, next.status)).toBe(true);
        expect(next.version).toBe(version + 1);
      }),
      { numRuns: 1000 },
    );
  });
});
