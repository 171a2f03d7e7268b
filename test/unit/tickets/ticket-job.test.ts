import { MalformedTicketJobError } from '../../../lib/tickets/errors';
import { parseTicketJob, ticketJobFor } from '../../../lib/tickets/ticket-job';
import type { OrderPaid } from '../../../lib/events/order-events';
import { eventOf, lifecycle } from '../views/order-event-records';

describe('Function: ticketJobFor', () => {
  it('names the order, the version it was paid at and the event id', () => {
    // Prepare
    const event = eventOf(lifecycle().paid) as OrderPaid;

    // Act & Assess
    expect(ticketJobFor(event)).toEqual({ orderId: 'ord-1', version: 2, eventId: 'ord-1:2' });
  });
});

describe('Function: parseTicketJob', () => {
  it('reads a job from a message body', () => {
    // Act & Assess
    expect(parseTicketJob('{"orderId":"ord-1","version":2,"eventId":"ord-1:2"}', 'm-1')).toEqual({ orderId: 'ord-1', version: 2, eventId: 'ord-1:2' });
  });

  it.each([
    ['not JSON', '{"orderId":', /message m-1 is not JSON/],
    ['a missing version', '{"orderId":"ord-1","eventId":"ord-1:2"}', /version/],
    ['an event id of another version', '{"orderId":"ord-1","version":2,"eventId":"ord-1:3"}', /eventId: eventId is not <orderId>:<version>/],
    ['a fractional version', '{"orderId":"ord-1","version":1.5,"eventId":"ord-1:1.5"}', /version/],
  ])('refuses a body with %s', (_, body, message) => {
    // Act & Assess
    expect(() => parseTicketJob(body, 'm-1')).toThrow(MalformedTicketJobError);
    expect(() => parseTicketJob(body, 'm-1')).toThrow(message);
  });
});
