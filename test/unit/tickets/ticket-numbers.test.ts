import { randomUUID } from 'node:crypto';
import { ticket } from '../../../lib/orders';
import { MAX_TICKETS_PER_ORDER } from '../../../lib/tickets/constants';
import { numberedTickets, ticketNumber } from '../../../lib/tickets/ticket-numbers';
import { at } from '../orders/order-fixtures';
import { lifecycle } from '../views/order-event-records';

const SAMPLE_ORDER = '0193a8c2-7d4e-7b1a-9f3c-2e5d8a6b4c10';

describe('Function: ticketNumber', () => {
  it('is E followed by 12 Crockford base32 characters', () => {
    // Act
    const numbers = Array.from({ length: 200 }, (_, i) => ticketNumber(randomUUID(), i % MAX_TICKETS_PER_ORDER));

    // Assess
    for (const number of numbers) expect(number).toMatch(/^E[0-9A-HJKMNP-TV-Z]{12}$/);
  });

  it('is the same for the same order and passenger, today and after any redeploy', () => {
    // Assess: pinned, so a change of algorithm cannot slip in and renumber tickets already issued.
    expect(ticketNumber(SAMPLE_ORDER, 0)).toBe('ENJ5RQXD979X0');
    expect(ticketNumber(SAMPLE_ORDER, 1)).toBe('ENJ5RQXD979X1');
    expect(ticketNumber(SAMPLE_ORDER, 1)).toBe(ticketNumber(SAMPLE_ORDER, 1));
  });

  it('differs between every passenger of one order', () => {
    // Act
    const numbers = Array.from({ length: MAX_TICKETS_PER_ORDER }, (_, i) => ticketNumber(SAMPLE_ORDER, i));

    // Assess
    expect(new Set(numbers).size).toBe(MAX_TICKETS_PER_ORDER);
  });

  it('differs across orders, even for order ids one character apart', () => {
    // Prepare
    const orderIds = [...Array.from({ length: 20_000 }, () => randomUUID()), ...Array.from({ length: 1_000 }, (_, i) => `ord-${i}`)];

    // Act
    const numbers = orderIds.flatMap((orderId) => [0, 1, 2, 3, 4].map((i) => ticketNumber(orderId, i)));

    // Assess
    expect(new Set(numbers).size).toBe(orderIds.length * 5);
  });

  it.each([-1, MAX_TICKETS_PER_ORDER, 1.5, Number.NaN])('refuses passenger index %p', (index) => {
    // Act & Assess
    expect(() => ticketNumber(SAMPLE_ORDER, index)).toThrow(RangeError);
  });
});

describe('Function: numberedTickets', () => {
  it("numbers one ticket per seat, for the order's ride, in seat order, ACTIVE at its passenger's fare", () => {
    // Prepare
    const { paid } = lifecycle({ orderId: SAMPLE_ORDER });

    // Act
    const tickets = numberedTickets(paid);

    // Assess
    expect(tickets).toEqual([
      { ticketNo: 'ENJ5RQXD979X0', passengerName: 'Li Lei', coach: '05', seat: '01A', from: 'VNP', to: 'JGK', status: 'ACTIVE', fare: paid.amount / 2 },
      { ticketNo: 'ENJ5RQXD979X1', passengerName: 'Han Meimei', coach: '05', seat: '01B', from: 'VNP', to: 'JGK', status: 'ACTIVE', fare: paid.amount / 2 },
    ]);
  });

  it('gives tickets that the order model accepts for PAID → TICKETED', () => {
    // Prepare
    const { paid } = lifecycle();

    // Act
    const ticketed = ticket(paid, numberedTickets(paid), at(4));

    // Assess
    expect(ticketed).toMatchObject({ status: 'TICKETED', version: paid.version + 1 });
  });
});
