import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { stationsResponseSchema } from '../../../../lib/timetable/responses';
import type { PublishServiceRequest } from '../../../../lib/timetable/service';
import { loadEvent } from '../../../helpers/events';
import { invokeHandler } from '../../../helpers/invoke';
import { schemaIssues } from '../../../helpers/schemas';

process.env.LEDGER_TABLE_NAME = 'ledger';
const db = mockClient(DynamoDBDocumentClient);
const { stops } = JSON.parse(loadEvent('timetable/publish-service.json').body as string) as PublishServiceRequest;

async function listStations() {
  const { handler } = await import('../../../../functions/timetable/list-stations');
  const result = (await invokeHandler(handler, loadEvent('timetable/list-stations.json'))) as APIGatewayProxyStructuredResultV2;
  return { status: result.statusCode, headers: result.headers ?? {}, body: JSON.parse(result.body ?? 'null') as Record<string, unknown> };
}

describe('Function: list-stations', () => {
  afterEach(() => db.reset());

  it('lists the stations of open services from today on, read page by page from the byDate index, cacheable for 10 s', async () => {
    db.on(ScanCommand)
      .resolvesOnce({ Items: [{ stops }], LastEvaluatedKey: { pk: 'SVC#G1_2026-12-01', sk: 'SERVICE' } })
      .resolvesOnce({ Items: [{ stops: stops.slice(0, 2) }] });

    const { status, headers, body } = await listStations();

    expect(status).toBe(200);
    expect(schemaIssues(stationsResponseSchema, body)).toEqual([]);
    expect(body.stations).toEqual([
      { code: 'AOH', name: 'Shanghai Hongqiao' },
      { code: 'JGK', name: 'Jinan West' },
      { code: 'VNP', name: 'Beijing South' },
    ]);
    expect(headers['cache-control']).toBe('public, max-age=10');
    const scans = db.commandCalls(ScanCommand).map((call) => call.args[0].input);
    expect(scans).toHaveLength(2);
    expect(scans[0]).toMatchObject({ TableName: 'ledger', IndexName: 'byDate', FilterExpression: 'gsi1pk >= :from AND #status = :open', ExpressionAttributeValues: { ':open': 'OPEN' } });
    expect(scans[0]?.ExpressionAttributeValues?.[':from']).toMatch(/^DATE#\d{4}-\d{2}-\d{2}$/);
    expect(scans[1]?.ExclusiveStartKey).toEqual({ pk: 'SVC#G1_2026-12-01', sk: 'SERVICE' });
  });
});
