import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { callerAliases, callerOf, capacityOf, MeteringProxy, operationOf } from '../../../infra/local/metering-proxy';

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
}

/** Stands in for DynamoDB Local: answers each request with what `answer` says and keeps what it received. */
class EmulatorStandIn {
  readonly received: Received[] = [];
  answer: { status: number; headers?: Record<string, string>; body: string } = { status: 200, body: '{}' };
  private readonly server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      this.received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(this.answer.status, { 'content-type': 'application/x-amz-json-1.0', 'x-amz-crc32': '42', ...this.answer.headers });
      res.end(this.answer.body);
    });
  });

  async listen(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

function dynamodbCall(url: string, operation: string, body: unknown, userAgent = 'aws-sdk-js/3 app/ApiCreateOrderFunctionD4E503BA-PT-NO-OP-2.35.0') {
  return fetch(url, {
    method: 'POST',
    headers: { 'x-amz-target': `DynamoDB_20120810.${operation}`, 'content-type': 'application/x-amz-json-1.0', 'x-amz-user-agent': userAgent },
    body: JSON.stringify(body),
  });
}

describe('Class: MeteringProxy', () => {
  const emulator = new EmulatorStandIn();
  let proxy: MeteringProxy;

  beforeAll(async () => {
    proxy = await MeteringProxy.start('dynamodb', await emulator.listen());
  });

  afterAll(async () => {
    await proxy.close();
    await emulator.close();
  });

  it('counts calls by caller and operation, with the capacity DynamoDB reports, and answers byte for byte', async () => {
    emulator.answer = { status: 200, body: '{"ConsumedCapacity":[{"TableName":"t","CapacityUnits":4,"WriteCapacityUnits":4}]}' };

    const response = await dynamodbCall(proxy.url, 'TransactWriteItems', { TransactItems: [] });

    expect(response.status).toBe(200);
    expect(response.headers.get('x-amz-crc32')).toBe('42');
    expect(await response.text()).toBe(emulator.answer.body);
    expect(proxy.snapshot().ApiCreateOrderFunctionD4E503BA?.TransactWriteItems).toMatchObject({ requests: 1, errors: 0, writeCapacityUnits: 4, readCapacityUnits: 0 });
  });

  it('asks DynamoDB for the capacity consumed where the caller did not, and leaves a caller that did as it was', async () => {
    await dynamodbCall(proxy.url, 'GetItem', { TableName: 't', Key: {} });
    await dynamodbCall(proxy.url, 'GetItem', { TableName: 't', Key: {}, ReturnConsumedCapacity: 'INDEXES' });

    const [added, kept] = emulator.received.slice(-2).map((received) => JSON.parse(received.body) as Record<string, unknown>);
    expect(added).toEqual({ TableName: 't', Key: {}, ReturnConsumedCapacity: 'INDEXES' });
    expect(kept?.ReturnConsumedCapacity).toBe('INDEXES');
  });

  it('counts an error answer by its type and passes it on', async () => {
    emulator.answer = { status: 400, body: '{"__type":"com.amazonaws.dynamodb.v20120810#TransactionCanceledException","message":"cancelled"}' };

    const response = await dynamodbCall(proxy.url, 'TransactWriteItems', { TransactItems: [] }, 'aws-sdk-js/3 app/Other');

    expect(response.status).toBe(400);
    expect(proxy.snapshot().Other?.TransactWriteItems).toMatchObject({ requests: 1, errors: 1, errorTypes: { TransactionCanceledException: 1 } });
  });
});

describe('Function: operationOf', () => {
  it('reads the operation from X-Amz-Target, an RPC v2 path or a query Action', () => {
    expect(operationOf({ 'x-amz-target': 'AmazonSQS.ReceiveMessage' }, '/', Buffer.alloc(0))).toBe('ReceiveMessage');
    expect(operationOf({}, '/service/Kinesis_20131202/operation/PutRecords', Buffer.alloc(0))).toBe('PutRecords');
    expect(operationOf({}, '/', Buffer.from('Action=SendMessage&Version=2012-11-05'))).toBe('SendMessage');
  });
});

describe('Function: callerOf', () => {
  it('names the caller by the app id of its user agent, or unknown', () => {
    expect(callerOf({ 'user-agent': 'aws-sdk-js/3.1 app/local-cloud' })).toBe('local-cloud');
    expect(callerOf({ 'user-agent': 'curl/8' })).toBe('unknown');
  });
});

describe('Function: capacityOf', () => {
  it('attributes bare CapacityUnits by the kind of operation', () => {
    expect(capacityOf('Query', Buffer.from('{"ConsumedCapacity":{"CapacityUnits":0.5}}'))).toEqual({ read: 0.5, write: 0 });
    expect(capacityOf('PutItem', Buffer.from('{"ConsumedCapacity":{"CapacityUnits":1}}'))).toEqual({ read: 0, write: 1 });
    expect(capacityOf('Query', Buffer.from('not json'))).toEqual({ read: 0, write: 0 });
  });

  it('counts a transaction\'s writes per item from its request, where DynamoDB Local reports the largest item only', () => {
    // Arrange: three small puts in one table, one update in another, as DynamoDB Local answers them (2 units a table)
    const put = (pk: string) => ({ Put: { TableName: 'orders', Item: { pk: { S: pk } } } });
    const request = Buffer.from(JSON.stringify({ TransactItems: [put('a'), put('b'), put('c'), { Update: { TableName: 'ledger', Key: { pk: { S: 'x' } } } }] }));
    const response = Buffer.from(
      JSON.stringify({ ConsumedCapacity: [{ TableName: 'orders', CapacityUnits: 3, Table: { CapacityUnits: 2 }, GlobalSecondaryIndexes: { byUser: { CapacityUnits: 1 } } }, { TableName: 'ledger', CapacityUnits: 2 }] }),
    );

    // Act
    const units = capacityOf('TransactWriteItems', response, request);

    // Assess: 3 × 2 + 1 index unit, and 1 × 2
    expect(units).toEqual({ read: 0, write: 9 });
  });
});

describe('Function: callerAliases', () => {
  it('gives each function a short app id that fits the SDK’s 50 characters with Powertools’ suffix, and maps it back', () => {
    // Arrange
    const ids = ['OccupancyWorkersRefreshOccupancyFunctionAC04D521', 'ApiCreateOrderFunctionD4E503BA'];
    const powertoolsSuffix = '/PT/NO-OP/2.35.0/PTEnv/AWS_Lambda_nodejs22.x';

    // Act
    const callers = callerAliases(ids);

    // Assess
    for (const id of ids) {
      expect(`${callers.aliasOf(id)}${powertoolsSuffix}`.length).toBeLessThanOrEqual(50);
      expect(callers.nameOf(callers.aliasOf(id))).toBe(id);
    }
    expect(callers.nameOf('local-cloud')).toBe('local-cloud');
  });
});
