import { ConditionalCheckFailedException, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, type PutCommandInput, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { decodeCoach, EMPTY_SEAT } from '../../../lib/ledger/coach-occupancy';
import { OccupancyProjector } from '../../../lib/ledger/occupancy-projector';
import { OccupancySnapshots } from '../../../lib/ledger/occupancy-snapshots';
import { OccupancyStore } from '../../../lib/ledger/occupancy-store';
import { SeatLedger } from '../../../lib/ledger/seat-ledger';
import type { PublishServiceRequest } from '../../../lib/timetable/service';
import { Timetable } from '../../../lib/timetable/timetable';
import { TimetableStore } from '../../../lib/timetable/timetable-store';
import { loadEvent } from '../../helpers/events';
import { coachSeatItems, serviceItem } from '../../helpers/ledger-items';

const NOW = Date.parse('2026-12-01T08:00:00.000Z');
const MINUTE = 60_000;
const LEDGER = 'ledger';
const OCCUPANCY = 'occupancy';
/** The sample batch: seats of coach 02 (first at …101, again at …105) and coach 01 (…104, its first hold), a hold and a passenger claim. */
const BATCH = 'streams/ledger-occupancy.json';

const db = mockClient(DynamoDBDocumentClient);
const service = JSON.parse(loadEvent('timetable/publish-service.json').body as string) as PublishServiceRequest;
const coachKey = (coach: string) => ({ ':pk': `SVC#G1_2026-12-01#${coach}`, ':seat': 'SEAT#' });

function aProjector(onFailure: (error: unknown) => void = () => undefined) {
  const client = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1' }));
  const store = new OccupancyStore(client, OCCUPANCY);
  const ledger = new SeatLedger(client, LEDGER, new OccupancySnapshots(store));
  return new OccupancyProjector(ledger, new Timetable(new TimetableStore(client, LEDGER)), store, { now: () => NOW, onFailure });
}

/** G1 open; coach 01 with 01A sold on the first leg, 01C held until a minute from now, 01F held by a hold that lapsed; coach 02 free. */
function givenLedger() {
  db.on(GetCommand, { Key: { pk: 'SVC#G1_2026-12-01', sk: 'SERVICE' } }).resolves({ Item: serviceItem(service) });
  db.on(QueryCommand, { TableName: LEDGER, ExpressionAttributeValues: coachKey('01') }).resolves({
    Items: coachSeatItems(service, '01', {
      '01A': { s0: { h: 'o1', st: 'S', x: 0 } },
      '01C': { s0: { h: 'h1', st: 'H', x: NOW + MINUTE }, s1: { h: 'h1', st: 'H', x: NOW + MINUTE } },
      '01F': { s1: { h: 'gone', st: 'H', x: NOW - 1 } },
    }),
  });
  db.on(QueryCommand, { TableName: LEDGER, ExpressionAttributeValues: coachKey('02') }).resolves({ Items: coachSeatItems(service, '02') });
  db.on(PutCommand).resolves({});
}

const records = () => loadEvent<DynamoDBStreamEvent>(BATCH).Records;
const written = () => db.commandCalls(PutCommand).map((c) => c.args[0].input as PutCommandInput);

/** A seat item's stream record, keys only. */
const seatRecord = (coach: string, seat: string, sequenceNumber: string): DynamoDBRecord => ({
  eventName: 'MODIFY',
  dynamodb: { Keys: { pk: { S: `SVC#G1_2026-12-01#${coach}` }, sk: { S: `SEAT#${seat}` } }, SequenceNumber: sequenceNumber, StreamViewType: 'KEYS_ONLY' },
});

describe('Class: OccupancyProjector', () => {
  afterEach(() => db.reset());

  describe('Method: projectBatch', () => {
    it('refreshes each coach the batch changed once: two coaches, two consistent reads of the ledger, two writes', async () => {
      // Prepare
      givenLedger();

      // Act
      const result = await aProjector().projectBatch(records());

      // Assess
      expect(result).toEqual({ batchItemFailures: [] });
      expect(db.commandCalls(QueryCommand).map((c) => c.args[0].input)).toEqual([
        expect.objectContaining({ TableName: LEDGER, ExpressionAttributeValues: coachKey('02'), ConsistentRead: true }),
        expect.objectContaining({ TableName: LEDGER, ExpressionAttributeValues: coachKey('01'), ConsistentRead: true }),
      ]);
      expect(written()).toEqual([
        expect.objectContaining({ TableName: OCCUPANCY, Item: { pk: 'OCC#G1_2026-12-01', sk: 'COACH#02', occ: expect.any(Uint8Array), readAt: NOW } }),
        expect.objectContaining({ TableName: OCCUPANCY, Item: { pk: 'OCC#G1_2026-12-01', sk: 'COACH#01', occ: expect.any(Uint8Array), readAt: NOW } }),
      ]);
    });

    it('stores the coach as the ledger holds it at the read, in layout order, leaving out holds that lapsed', async () => {
      // Prepare
      givenLedger();

      // Act
      await aProjector().projectBatch([seatRecord('01', '01A', '1')]);

      // Assess
      const [put] = written();
      expect(decodeCoach(put?.Item?.occ as Uint8Array, 6)).toEqual([{ sold: 0b01, holds: [] }, { sold: 0, holds: [{ mask: 0b11, until: NOW + MINUTE }] }, EMPTY_SEAT, EMPTY_SEAT, EMPTY_SEAT, EMPTY_SEAT]);
    });

    it('writes only over an older read, so a late refresh never replaces a newer one', async () => {
      // Prepare
      givenLedger();

      // Act
      await aProjector().projectBatch([seatRecord('02', '01A', '1')]);

      // Assess
      expect(written()[0]).toMatchObject({ ConditionExpression: 'attribute_not_exists(pk) OR readAt <= :readAt', ExpressionAttributeValues: { ':readAt': NOW } });
    });

    it('takes a newer snapshot already stored as success, not a failure to retry', async () => {
      // Prepare
      givenLedger();
      db.on(PutCommand).rejects(new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} }));

      // Act
      const result = await aProjector().projectBatch(records());

      // Assess
      expect(result).toEqual({ batchItemFailures: [] });
    });

    it("reports a coach whose refresh failed by its first record's sequence number, still refreshing the others, and tells onFailure why", async () => {
      // Prepare
      givenLedger();
      const throttled = Object.assign(new Error('Rate of requests exceeds the allowed throughput.'), { name: 'ProvisionedThroughputExceededException' });
      db.on(QueryCommand, { TableName: LEDGER, ExpressionAttributeValues: coachKey('02') }).rejects(throttled);
      const onFailure = jest.fn();

      // Act
      const result = await aProjector(onFailure).projectBatch(records());

      // Assess
      expect(result).toEqual({ batchItemFailures: [{ itemIdentifier: '100000000000000000101' }] });
      expect(written().map((put) => put.Item?.sk)).toEqual(['COACH#01']);
      expect(onFailure).toHaveBeenCalledWith(throttled);
    });

    it('reports the lowest sequence number among the coaches that failed, comparing them as numbers', async () => {
      // Prepare
      givenLedger();
      db.on(PutCommand).rejects(new Error('ServiceUnavailable'));
      const batch = [seatRecord('02', '01A', '999'), seatRecord('01', '01A', '1000'), seatRecord('02', '01B', '1001')];

      // Act
      const result = await aProjector().projectBatch(batch);

      // Assess
      expect(result).toEqual({ batchItemFailures: [{ itemIdentifier: '999' }] });
    });

    it('ignores records of items that are not seats: holds, passenger claims, services', async () => {
      // Prepare
      givenLedger();
      const batch = records().filter((r) => !String(r.dynamodb?.Keys?.sk?.S).startsWith('SEAT#'));
      batch.push({ eventName: 'MODIFY', dynamodb: { Keys: { pk: { S: 'SVC#G1_2026-12-01' }, sk: { S: 'SERVICE' } }, SequenceNumber: '9' } });

      // Act
      const result = await aProjector().projectBatch(batch);

      // Assess
      expect(batch).toHaveLength(3);
      expect(result).toEqual({ batchItemFailures: [] });
      expect(db.calls()).toHaveLength(0);
    });

    it('stores nothing for a service the timetable does not have', async () => {
      // Prepare
      givenLedger();
      db.on(GetCommand, { Key: { pk: 'SVC#G1_2026-12-01', sk: 'SERVICE' } }).resolves({});

      // Act
      const result = await aProjector().projectBatch(records());

      // Assess
      expect(result).toEqual({ batchItemFailures: [] });
      expect(db.commandCalls(QueryCommand)).toHaveLength(0);
      expect(db.commandCalls(PutCommand)).toHaveLength(0);
    });

    it("refreshes a coach on a seat's first hold, which makes the seat's item (an INSERT)", async () => {
      // Prepare
      givenLedger();
      const first = { ...seatRecord('01', '02F', '7'), eventName: 'INSERT' as const };

      // Act
      await aProjector().projectBatch([first]);

      // Assess
      expect(written().map((put) => put.Item?.sk)).toEqual(['COACH#01']);
    });

    it('stores nothing for a coach the service does not have', async () => {
      // Prepare
      givenLedger();

      // Act
      const result = await aProjector().projectBatch([seatRecord('09', '01A', '1')]);

      // Assess
      expect(result).toEqual({ batchItemFailures: [] });
      expect(db.commandCalls(QueryCommand)).toHaveLength(0);
      expect(db.commandCalls(PutCommand)).toHaveLength(0);
    });
  });
});
