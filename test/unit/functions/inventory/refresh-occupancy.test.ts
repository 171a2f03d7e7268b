import { DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { DynamoDBStreamEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { logger } from '../../../../lib/http/logger';
import type { PublishServiceRequest } from '../../../../lib/timetable/service';
import { loadEvent } from '../../../helpers/events';
import { invokeHandler } from '../../../helpers/invoke';
import { coachSeatItems, serviceItem } from '../../../helpers/ledger-items';
import { OCCUPANCY_TABLE } from '../occupancy-items';

process.env.LEDGER_TABLE_NAME = 'ledger';
process.env.OCCUPANCY_TABLE_NAME = OCCUPANCY_TABLE;
const db = mockClient(DynamoDBDocumentClient);
const service = JSON.parse(loadEvent('timetable/publish-service.json').body as string) as PublishServiceRequest;
/** Seats of coach 02 (first record …101) and coach 01 (…104) changed, plus a hold and a passenger claim. */
const BATCH = 'streams/ledger-occupancy.json';

async function refresh(event: DynamoDBStreamEvent) {
  const { handler } = await import('../../../../functions/inventory/refresh-occupancy');
  return invokeHandler(handler, event);
}

function givenLedger() {
  db.on(GetCommand, { Key: { pk: 'SVC#G1_2026-12-01', sk: 'SERVICE' } }).resolves({ Item: serviceItem(service) });
  db.on(QueryCommand, { TableName: 'ledger', ExpressionAttributeValues: { ':pk': 'SVC#G1_2026-12-01#01', ':seat': 'SEAT#' } }).resolves({ Items: coachSeatItems(service, '01') });
  db.on(QueryCommand, { TableName: 'ledger', ExpressionAttributeValues: { ':pk': 'SVC#G1_2026-12-01#02', ':seat': 'SEAT#' } }).resolves({ Items: coachSeatItems(service, '02') });
  db.on(PutCommand).resolves({});
}

describe('Function: refresh-occupancy', () => {
  afterEach(() => {
    db.reset();
    jest.restoreAllMocks();
  });

  it('stores the snapshot of each coach the batch changed and reports no failure', async () => {
    // Prepare
    givenLedger();

    // Act
    const result = await refresh(loadEvent<DynamoDBStreamEvent>(BATCH));

    // Assess
    expect(result).toEqual({ batchItemFailures: [] });
    expect(db.commandCalls(PutCommand).map((c) => [c.args[0].input.TableName, c.args[0].input.Item?.sk])).toEqual([
      [OCCUPANCY_TABLE, 'COACH#02'],
      [OCCUPANCY_TABLE, 'COACH#01'],
    ]);
  });

  it('reports the first record of a coach it could not refresh, so Lambda retries from there, and logs why', async () => {
    // Prepare
    givenLedger();
    db.on(PutCommand, { Item: { sk: 'COACH#02' } }).rejects(Object.assign(new Error('Internal server error'), { name: 'InternalServerError' }));
    const logged = jest.spyOn(logger, 'error').mockImplementation(() => undefined);

    // Act
    const result = await refresh(loadEvent<DynamoDBStreamEvent>(BATCH));

    // Assess
    expect(result).toEqual({ batchItemFailures: [{ itemIdentifier: '100000000000000000101' }] });
    expect(logged).toHaveBeenCalledWith('occupancy refresh failed', expect.objectContaining({ error: expect.any(Error) }));
  });
});
