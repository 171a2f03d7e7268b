import { FilterPatternError, kinesisFilterEvent, matchesPattern, parseFilterPattern } from '../../../infra/local/event-filter';

const kinesisRecord = (data: unknown) => ({
  partitionKey: 'ord-1',
  sequenceNumber: '1',
  approximateArrivalTimestamp: 1_790_000_000,
  data: Buffer.from(typeof data === 'string' ? data : JSON.stringify(data)).toString('base64'),
});

describe('Module: event-filter', () => {
  describe('Function: parseFilterPattern', () => {
    it('reads nested fields, each a list of exact values', () => {
      expect(parseFilterPattern('{"data":{"type":["OrderPaid"],"order":{"seatClass":["second"]}}}')).toEqual({ data: { type: ['OrderPaid'], order: { seatClass: ['second'] } } });
    });

    it.each([
      ['not a string', { data: { type: ['OrderPaid'] } }, /Pattern is a JSON string/],
      ['not JSON', '{data', /is not JSON/],
      ['an empty pattern', '{}', /expected an object of fields/],
      ['a field that is a value, not a list', '{"data":{"type":"OrderPaid"}}', /at data.type: expected an object of fields/],
      ['an operator', '{"data":{"type":[{"anything-but":["OrderPaid"]}]}}', /\{"anything-but":\["OrderPaid"\]\} is not supported locally/],
      ['an empty list', '{"data":{"type":[]}}', /an empty list matches nothing/],
    ])('refuses %s rather than deliver what the deployed filter would not', (_, pattern, message) => {
      expect(() => parseFilterPattern(pattern)).toThrow(FilterPatternError);
      expect(() => parseFilterPattern(pattern)).toThrow(message);
    });
  });

  describe('Function: matchesPattern on a Kinesis record', () => {
    const paidOnly = parseFilterPattern('{"data":{"type":["OrderPaid","OrderCancelled"]}}');

    it.each([
      ['a listed type', { type: 'OrderPaid' }, true],
      ['another listed type', { type: 'OrderCancelled', order: {} }, true],
      ['a type not listed', { type: 'OrderReserved' }, false],
      ['no type', { kind: 'OrderPaid' }, false],
      ['a type of another JSON kind', { type: 1 }, false],
      ['a list holding a listed type', { type: ['x', 'OrderPaid'] }, true],
    ])('%s: %s', (_, data, expected) => {
      expect(matchesPattern(paidOnly, kinesisFilterEvent(kinesisRecord(data)))).toBe(expected);
    });

    it('matches no data field of a record whose data is not JSON, but still its metadata', () => {
      const record = kinesisFilterEvent(kinesisRecord('not json'));

      expect(matchesPattern(paidOnly, record)).toBe(false);
      expect(matchesPattern(parseFilterPattern('{"partitionKey":["ord-1"]}'), record)).toBe(true);
    });

    it('matches every field of a pattern, not any', () => {
      const pattern = parseFilterPattern('{"partitionKey":["ord-1"],"data":{"type":["OrderPaid"]}}');

      expect(matchesPattern(pattern, kinesisFilterEvent(kinesisRecord({ type: 'OrderPaid' })))).toBe(true);
      expect(matchesPattern(pattern, kinesisFilterEvent({ ...kinesisRecord({ type: 'OrderPaid' }), partitionKey: 'ord-2' }))).toBe(false);
    });
  });
});
