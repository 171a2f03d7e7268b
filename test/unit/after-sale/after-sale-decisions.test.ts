import { changeableTicket, changeOut, markChangePending, refundIds, refundTickets, settleCheaperChange } from '../../../lib/after-sale/after-sale-decisions';
import { InvalidRequestError } from '../../../lib/domain-error';
import { InvalidStateError, type Order } from '../../../lib/orders';
import { at, deepFreeze, reservedOrder, ticketsFor } from '../orders/order-fixtures';

const HOUR = 3_600_000;
const now = at(60);
/** Two passengers, ticketed, 27,650 fen each; the train leaves 3 days after `now`. */
const ticketed: Order = deepFreeze({ ...reservedOrder(), status: 'TICKETED', version: 3, paymentId: 'pay-1', tickets: ticketsFor(reservedOrder()) });
const [first, second] = ticketed.tickets ?? [];
const clock = { now, departsAtMs: now.getTime() + 72 * HOUR };

describe('Function: refundTickets', () => {
  it('refunds every ACTIVE ticket by default, fee by the time left, and the order becomes REFUNDED', () => {
    const { next, lines } = refundTickets(ticketed, undefined, clock);

    expect(lines).toEqual([
      { ticketNo: first?.ticketNo, fare: 27_650, fee: 1_400, amount: 26_250 },
      { ticketNo: second?.ticketNo, fare: 27_650, fee: 1_400, amount: 26_250 },
    ]);
    expect(next).toMatchObject({ status: 'REFUNDED', version: 4, lastEvent: { type: 'TicketsRefunded', version: 4 } });
    expect(next.tickets?.map((t) => t.status)).toEqual(['REFUNDED', 'REFUNDED']);
    expect(next.refunds?.map((r) => r.refundId)).toEqual([refundIds.ticket('ord-1', first?.ticketNo ?? ''), refundIds.ticket('ord-1', second?.ticketNo ?? '')]);
  });

  it('keeps the order TICKETED while a ticket is left ACTIVE', () => {
    const { next } = refundTickets(ticketed, [second?.ticketNo ?? ''], clock);

    expect(next.status).toBe('TICKETED');
    expect(next.tickets?.map((t) => t.status)).toEqual(['ACTIVE', 'REFUNDED']);
  });

  it('refuses a ticket refunded before, an order not TICKETED, and a train that has left, as invalid-state', () => {
    const { next } = refundTickets(ticketed, [second?.ticketNo ?? ''], clock);

    expect(() => refundTickets(next, [second?.ticketNo ?? ''], clock)).toThrow(InvalidStateError);
    expect(() => refundTickets(reservedOrder(), undefined, clock)).toThrow(InvalidStateError);
    expect(() => refundTickets(ticketed, undefined, { now, departsAtMs: now.getTime() })).toThrow(InvalidStateError);
  });

  it('refuses a ticket number the order does not have as a bad request', () => {
    expect(() => refundTickets(ticketed, ['E000'], clock)).toThrow(InvalidRequestError);
  });
});

describe('Function: changeableTicket', () => {
  it('accepts an ACTIVE ticket before departure, and refuses one issued by a change (once per ticket)', () => {
    expect(changeableTicket(ticketed, second?.ticketNo ?? '', clock).index).toBe(1);
    const fromChange = { ...ticketed, changeOf: { orderId: 'ord-0', ticketNo: 'E1' } };
    expect(() => changeableTicket(fromChange, first?.ticketNo ?? '', clock)).toThrow(InvalidStateError);
  });
});

describe('Function: changeOut', () => {
  it('makes the waiting ticket CHANGED, pointing at its successor, and leaves the other ACTIVE', () => {
    const marked = markChangePending(ticketed, first?.ticketNo ?? '', 'ord-2', now);

    const changed = changeOut(marked, first?.ticketNo ?? '', { orderId: 'ord-2', ticketNo: 'E2' }, now);

    expect(marked.tickets?.[0]?.pendingChange).toBe('ord-2');
    expect(changed).toMatchObject({ status: 'TICKETED', version: 5, lastEvent: { type: 'TicketChanged', version: 5 } });
    expect(changed.tickets?.[0]).toEqual(expect.objectContaining({ status: 'CHANGED', changedTo: { orderId: 'ord-2', ticketNo: 'E2' } }));
    expect(changed.tickets?.[0]).not.toHaveProperty('pendingChange');
    expect(changed.tickets?.[1]?.status).toBe('ACTIVE');
    expect(() => changeOut(changed, first?.ticketNo ?? '', { orderId: 'ord-3', ticketNo: 'E3' }, now)).toThrow(InvalidStateError);
  });
});

describe('Function: settleCheaperChange', () => {
  it('pays the new order with the old payment and owes the difference back, without fee', () => {
    const newOrder = { ...reservedOrder({ orderId: 'ord-2', amount: 0 }), fare: 20_000 };

    const paid = settleCheaperChange(newOrder, ticketed, 27_650, now);

    expect(paid).toMatchObject({ status: 'PAID', version: 2, paymentId: 'pay-1', refund: { amount: 7_650 } });
    expect(paid.refunds).toEqual([{ refundId: refundIds.change('ord-2'), reason: 'change', fare: 27_650, fee: 0, amount: 7_650, version: 2 }]);
  });

  it('owes nothing back for an equal fare', () => {
    const paid = settleCheaperChange({ ...reservedOrder({ orderId: 'ord-2', amount: 0 }), fare: 27_650 }, ticketed, 27_650, now);

    expect(paid.refund).toEqual({ amount: 0 });
    expect(paid.refunds).toBeUndefined();
  });
});
