import { DynamoDBDocumentClient, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { HttpLambdaHandler } from '../../../../lib/http';
import { mockClient } from 'aws-sdk-client-mock';
import type { PublishServiceRequest } from '../../../../lib/timetable/service';
import { loadEvent } from '../../../helpers/events';
import { availabilityResponseSchema, searchServicesResponseSchema, seatMapResponseSchema } from '../../../../lib/timetable/responses';
import { invokeHandler } from '../../../helpers/invoke';
import { schemaIssues } from '../../../helpers/schemas';
import { serviceItem } from '../../../helpers/ledger-items';
import { useContainerClock } from '../container-clock';
import { coachOccupancyItem, OCCUPANCY_TABLE } from '../occupancy-items';

process.env.LEDGER_TABLE_NAME = 'ledger';
process.env.OCCUPANCY_TABLE_NAME = OCCUPANCY_TABLE;
const db = mockClient(DynamoDBDocumentClient);
useContainerClock();
const service = JSON.parse(loadEvent('timetable/publish-service.json').body as string) as PublishServiceRequest;
const soldVnpToJgk = { h: 'h1', st: 'S', x: 0 } as const;

/** G1 open, and its occupancy snapshot as DynamoDB would answer: 01A sold VNP→JGK, 01C held JGK→AOH until far in the future, coach 02 free. */
function givenLedger(heldUntil = Date.now() + 600_000) {
  db.on(GetCommand).resolves({ Item: serviceItem(service) });
  db.on(QueryCommand, { IndexName: 'byDate' }).resolves({ Items: [serviceItem(service)] });
  db.on(QueryCommand, { TableName: OCCUPANCY_TABLE, ExpressionAttributeValues: { ':pk': 'OCC#G1_2026-12-01' } }).resolves({
    Items: [coachOccupancyItem(service, '01', { '01A': { s0: soldVnpToJgk }, '01C': { s1: { h: 'h2', st: 'H', x: heldUntil } } }), coachOccupancyItem(service, '02')],
  });
}

/** Every read of seats: Queries other than the timetable's by-date index. */
const seatReads = () => db.commandCalls(QueryCommand).filter((c) => c.args[0].input.IndexName === undefined).map((c) => c.args[0].input);

async function call(module: string, event: APIGatewayProxyEventV2) {
  const { handler } = (await import(`../../../../functions/timetable/${module}`)) as { handler: HttpLambdaHandler };
  const result = (await invokeHandler(handler, event)) as APIGatewayProxyStructuredResultV2;
  return { status: result.statusCode, body: JSON.parse(result.body ?? 'null') as Record<string, unknown> };
}

describe('Function: search-services', () => {
  afterEach(() => db.reset());

  it('lists the trains of the day with seats free over the whole ride and the full fare', async () => {
    givenLedger();

    const { status, body } = await call('search-services', loadEvent('timetable/search-services.json'));

    expect(status).toBe(200);
    expect(body).toEqual({
      services: [
        {
          serviceId: 'G1_2026-12-01',
          trainNo: 'G1',
          date: '2026-12-01',
          // 09:00 Beijing time on the service date.
          from: { station: 'VNP', departs: '09:00', departsAt: '2026-12-01T01:00:00.000Z' },
          to: { station: 'AOH', arrives: '13:28' },
          classes: { business: { available: 4, fare: 174800 }, second: { available: 85, fare: 55300 } },
        },
      ],
    });
  });

  it('dates the boarding time of a stop past midnight on the day after the service date', async () => {
    // Prepare: a night train (a train of its own: the container keeps definitions for good) leaving Beijing South at 23:30, Jinan West at 00:34 the next day
    const night = { ...service, trainNo: 'Z2', stops: [{ ...service.stops[0], departs: '23:30' }, { ...service.stops[1], arrives: '00:32', departs: '00:34' }, { ...service.stops[2], arrives: '03:28' }] } as PublishServiceRequest;
    db.on(QueryCommand, { IndexName: 'byDate' }).resolves({ Items: [serviceItem(night)] });
    db.on(QueryCommand, { TableName: OCCUPANCY_TABLE }).resolves({ Items: [] });

    // Act
    const { body } = await call('search-services', loadEvent('timetable/search-services.json', { queryStringParameters: { from: 'JGK', to: 'AOH', date: '2026-12-01' } }));

    // Assess: 00:34 Beijing time on 2 December
    expect((body.services as { from: unknown }[])[0]?.from).toEqual({ station: 'JGK', departs: '00:34', departsAt: '2026-12-01T16:34:00.000Z' });
  });

  it('reads each train with one Query of its occupancy snapshot, never the seat items', async () => {
    givenLedger();

    await call('search-services', loadEvent('timetable/search-services.json'));

    expect(seatReads()).toEqual([expect.objectContaining({ TableName: OCCUPANCY_TABLE, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': 'OCC#G1_2026-12-01' } })]);
  });

  it('answers as the ServiceSearch schema of the OpenAPI document describes it', async () => {
    givenLedger();

    const { body } = await call('search-services', loadEvent('timetable/search-services.json'));

    expect(schemaIssues(searchServicesResponseSchema, body)).toEqual([]);
  });

  it('refuses a malformed date with 400 before reading anything', async () => {
    const { status, body } = await call('search-services', loadEvent('timetable/search-services.json', { queryStringParameters: { from: 'VNP', to: 'AOH', date: 'tomorrow' } }));

    expect(status).toBe(400);
    expect(body).toMatchObject({ type: '/problems/validation', errors: [{ path: 'date' }] });
    expect(db.calls()).toHaveLength(0);
  });
});

describe('Function: get-availability', () => {
  afterEach(() => db.reset());

  it('counts a seat sold on another segment as free and prices the ride pro rata', async () => {
    givenLedger();

    const { status, body } = await call('get-availability', loadEvent('timetable/get-availability.json', { queryStringParameters: { from: 'JGK', to: 'AOH' } }));

    expect(status).toBe(200);
    expect(body).toEqual({ serviceId: 'G1_2026-12-01', from: 'JGK', to: 'AOH', classes: { business: { available: 5, fare: 87400 }, second: { available: 85, fare: 27650 } } });
  });

  it('counts the seat of a hold that has lapsed as free, though the snapshot still lists the hold', async () => {
    givenLedger(Date.now() + 1_000);
    jest.setSystemTime(Date.now() + 2_000);

    const { body } = await call('get-availability', loadEvent('timetable/get-availability.json', { queryStringParameters: { from: 'JGK', to: 'AOH' } }));

    expect(body).toMatchObject({ classes: { business: { available: 6 } } });
  });

  it('counts every seat free on a train whose snapshot has no item yet, as when it was just published', async () => {
    givenLedger();
    db.on(QueryCommand, { TableName: OCCUPANCY_TABLE }).resolves({ Items: [] });

    const { body } = await call('get-availability', loadEvent('timetable/get-availability.json'));

    expect(body).toMatchObject({ classes: { business: { available: 6 }, second: { available: 85 } } });
  });

  it('answers as the Availability schema of the OpenAPI document describes it', async () => {
    givenLedger();

    const { body } = await call('get-availability', loadEvent('timetable/get-availability.json'));

    expect(schemaIssues(availabilityResponseSchema, body)).toEqual([]);
  });

  it('answers 404 for a service that was never published', async () => {
    db.on(GetCommand).resolves({});

    const { status, body } = await call('get-availability', loadEvent('timetable/get-availability.json', { pathParameters: { serviceId: 'G7_2026-12-01' } }));

    expect(status).toBe(404);
    expect(body).toMatchObject({ type: '/problems/not-found' });
  });

  it('answers 400 naming a station the train does not stop at', async () => {
    givenLedger();

    const { status, body } = await call('get-availability', loadEvent('timetable/get-availability.json', { queryStringParameters: { from: 'VNP', to: 'XYZ' } }));

    expect(status).toBe(400);
    expect(body).toMatchObject({ type: '/problems/validation', errors: [{ path: 'to' }] });
  });
});

describe('Function: get-seatmap', () => {
  afterEach(() => db.reset());

  it('maps each seat of the class as free or taken over the ride', async () => {
    givenLedger();

    const { status, body } = await call('get-seatmap', loadEvent('timetable/get-seatmap.json'));

    expect(status).toBe(200);
    expect(body).toEqual({
      coaches: [
        {
          coach: '01',
          seatClass: 'business',
          seats: [
            { seat: '01A', free: false },
            { seat: '01C', free: false },
            { seat: '01F', free: true },
            { seat: '02A', free: true },
            { seat: '02C', free: true },
            { seat: '02F', free: true },
          ],
        },
      ],
    });
  });

  it('answers as the SeatMap schema of the OpenAPI document describes it', async () => {
    givenLedger();

    const { body } = await call('get-seatmap', loadEvent('timetable/get-seatmap.json'));

    expect(schemaIssues(seatMapResponseSchema, body)).toEqual([]);
  });
});
