import { MalformedOrderEventRecordError } from '../../../lib/views/errors';
import { orderEventOf } from '../../../lib/views/order-event-record';
import { KinesisRecords, eventOf, lifecycle } from './order-event-records';

describe('Function: orderEventOf', () => {
  let records: KinesisRecords;

  beforeEach(() => {
    records = new KinesisRecords();
  });

  it('reads the order event the relay wrote, every field of its order kept', () => {
    // Prepare
    const event = eventOf(lifecycle().ticketed);

    // Act & Assess
    expect(orderEventOf(records.of(event))).toEqual(event);
  });

  it('refuses data that is not JSON, naming the record', () => {
    // Prepare
    const record = records.raw(Buffer.from('{"eventId":').toString('base64'));

    // Act & Assess
    expect(() => orderEventOf(record)).toThrow(MalformedOrderEventRecordError);
    expect(() => orderEventOf(record)).toThrow(`Kinesis record ${record.kinesis.sequenceNumber} is not JSON`);
  });

  it.each([
    ['an event id of another version', (e: Record<string, unknown>) => ({ ...e, eventId: 'ord-1:9' }), /eventId: is not <orderId>:<version>/],
    ['an order of another version', (e: Record<string, unknown>) => ({ ...e, version: 5, eventId: 'ord-1:5' }), /order\.version: is not the event's 5/],
    ['an order of another id', (e: Record<string, unknown>) => ({ ...e, orderId: 'ord-2', eventId: 'ord-2:2' }), /order\.orderId: is not the event's ord-2/],
    ['a type that does not match the status', (e: Record<string, unknown>) => ({ ...e, type: 'OrderTicketed' }), /type: OrderTicketed does not announce a PAID order/],
    ['an unknown type', (e: Record<string, unknown>) => ({ ...e, type: 'OrderShipped' }), /type/],
    ['an order without its owner', (e: Record<string, unknown>) => ({ ...e, order: { ...(e.order as object), userId: undefined } }), /order\.userId/],
  ])('refuses an event with %s', (_, change, message) => {
    // Prepare
    const event = change(eventOf(lifecycle().paid) as unknown as Record<string, unknown>);

    // Act & Assess
    expect(() => orderEventOf(records.of(event))).toThrow(MalformedOrderEventRecordError);
    expect(() => orderEventOf(records.of(event))).toThrow(message);
  });
});
