import { parentShardIds, parentsFirst, readBatchItemFailures, readBatchResponse, streamOnFailureRecord } from '../../../infra/local/shard-poller';

describe('Function: readBatchItemFailures', () => {
  const batch = ['a', 'b', 'c'];

  it.each([
    ['no response', undefined],
    ['a string', 'ok'],
    ['an empty object', {}],
    ['a null list', { batchItemFailures: null }],
    ['an empty list', { batchItemFailures: [] }],
  ])('reads %s as no failure', (_, response) => {
    expect(readBatchItemFailures(response, batch)).toEqual({ kind: 'none' });
  });

  it('lists the identifiers reported, as reported', () => {
    expect(readBatchItemFailures({ batchItemFailures: [{ itemIdentifier: 'c' }, { itemIdentifier: 'a' }] }, batch)).toEqual({
      kind: 'some',
      itemIdentifiers: ['c', 'a'],
    });
  });

  it.each([
    ['an empty identifier', { batchItemFailures: [{ itemIdentifier: '' }] }],
    ['a missing identifier', { batchItemFailures: [{}] }],
    ['an identifier not in the batch', { batchItemFailures: [{ itemIdentifier: 'z' }] }],
    ['a list that is not one', { batchItemFailures: { itemIdentifier: 'a' } }],
  ])('calls a report with %s invalid', (_, response) => {
    expect(readBatchItemFailures(response, batch)).toMatchObject({ kind: 'invalid' });
  });
});

describe('Function: readBatchResponse', () => {
  it('retries a stream batch from the earliest record reported, in the batch order', () => {
    expect(readBatchResponse({ batchItemFailures: [{ itemIdentifier: 'c' }, { itemIdentifier: 'b' }] }, ['a', 'b', 'c'], true)).toMatchObject({
      kind: 'partial',
      failedAt: 1,
    });
  });
});

describe('Function: parentsFirst', () => {
  it('puts both parents of a merged shard before it', () => {
    const shards = [{ ShardId: 'merged', ParentShardId: 'left', AdjacentParentShardId: 'right' }, { ShardId: 'right' }, { ShardId: 'left' }];

    expect(parentsFirst(shards).map((shard) => shard.ShardId)).toEqual(['left', 'right', 'merged']);
    expect(parentShardIds(shards[0] ?? {})).toEqual(['left', 'right']);
  });
});

describe('Function: streamOnFailureRecord', () => {
  it('puts the batch info under the key of the service', () => {
    const record = streamOnFailureRecord(
      {
        mapping: { functionArn: 'fn', streamArn: 'stream' },
        shardId: 'shardId-000000000000',
        condition: 'RecordAgeExceeded',
        invokeCount: 0,
        now: new Date('2026-11-25T08:00:00.000Z'),
      },
      'KinesisBatchInfo',
      { startSequenceNumber: '1', endSequenceNumber: '2', approximateArrivalOfFirstRecord: 'x', approximateArrivalOfLastRecord: 'y', batchSize: 2 },
    );

    expect(record).toEqual({
      requestContext: { requestId: expect.any(String), functionArn: 'fn', condition: 'RecordAgeExceeded', approximateInvokeCount: 0 },
      version: '1.0',
      timestamp: '2026-11-25T08:00:00.000Z',
      KinesisBatchInfo: {
        shardId: 'shardId-000000000000',
        startSequenceNumber: '1',
        endSequenceNumber: '2',
        approximateArrivalOfFirstRecord: 'x',
        approximateArrivalOfLastRecord: 'y',
        batchSize: 2,
        streamArn: 'stream',
      },
    });
  });
});
