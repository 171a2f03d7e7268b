import { randomUUID } from 'node:crypto';
import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageBatchCommand,
  ReceiveMessageCommand,
  SQSClient,
  type Message,
  type MessageAttributeValue,
} from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { FunctionInvocationError } from '../../../infra/local/lambda-runtime';
import type { LocalResources } from '../../../infra/local/provision';
import {
  DEFAULT_QUEUE_POLLERS,
  messagesToDelete,
  pollerCount,
  QueuePoller,
  queueMappings,
  readQueueBatchResponse,
  toSqsEventRecord,
  type QueueMapping,
  type SqsEvent,
} from '../../../infra/local/queue-poller';
import type { LocalTopology } from '../../../infra/local/topology';
import { eventually as retryUntil } from '../../helpers/eventually';

const QUEUE_URL = 'http://sqs.us-east-1.localhost:4566/000000000000/ticket-outbox';
const QUEUE_ARN = 'arn:aws:sqs:us-east-1:000000000000:ticket-outbox';

describe('Function: toSqsEventRecord', () => {
  it("shapes a received message as a record of Lambda's event: system attributes, message attributes in Lambda's shape, the queue ARN", () => {
    const message: Message = {
      MessageId: '3f1c9a2e-6b7d-4e58-9a01-c2d4e6f8a0b1',
      ReceiptHandle: 'receipt-1',
      MD5OfBody: '09791ff42ef25ab85ca37aa23a5e29b8',
      Body: '{"orderId":"o-1"}',
      Attributes: { ApproximateReceiveCount: '1', SentTimestamp: '1795162005530', SenderId: '000000000000', ApproximateFirstReceiveTimestamp: '1795162005561' },
      MD5OfMessageAttributes: '6e7d55fc0de7e8cb4842fbebea451db9',
      MessageAttributes: {
        eventId: { DataType: 'String', StringValue: 'o-1:2' },
        blob: { DataType: 'Binary', BinaryValue: new Uint8Array([1, 2, 3]) },
        count: { DataType: 'Number', StringValue: '3' },
      },
    };

    expect(toSqsEventRecord(message, QUEUE_ARN, 'us-east-1')).toEqual({
      messageId: '3f1c9a2e-6b7d-4e58-9a01-c2d4e6f8a0b1',
      receiptHandle: 'receipt-1',
      body: '{"orderId":"o-1"}',
      attributes: { ApproximateReceiveCount: '1', SentTimestamp: '1795162005530', SenderId: '000000000000', ApproximateFirstReceiveTimestamp: '1795162005561' },
      messageAttributes: {
        eventId: { stringValue: 'o-1:2', stringListValues: [], binaryListValues: [], dataType: 'String' },
        blob: { binaryValue: 'AQID', stringListValues: [], binaryListValues: [], dataType: 'Binary' },
        count: { stringValue: '3', stringListValues: [], binaryListValues: [], dataType: 'Number' },
      },
      md5OfBody: '09791ff42ef25ab85ca37aa23a5e29b8',
      md5OfMessageAttributes: '6e7d55fc0de7e8cb4842fbebea451db9',
      eventSource: 'aws:sqs',
      eventSourceARN: QUEUE_ARN,
      awsRegion: 'us-east-1',
    });
  });

  it('has empty message attributes and no attribute digest for a message without attributes', () => {
    const record = toSqsEventRecord({ MessageId: 'm', ReceiptHandle: 'r', Body: 'x', MD5OfBody: 'd', Attributes: {} }, QUEUE_ARN, 'us-east-1');

    expect(record.messageAttributes).toEqual({});
    expect(record).not.toHaveProperty('md5OfMessageAttributes');
  });
});

describe('Function: readQueueBatchResponse', () => {
  const ids = ['m1', 'm2', 'm3'];

  it.each([
    ['no response', undefined],
    ['an empty object', {}],
    ['an empty list', { batchItemFailures: [] }],
  ])('takes %s as success', (_, response) => {
    expect(readQueueBatchResponse(response, ids, true)).toEqual({ kind: 'success' });
  });

  it('fails only the messages reported, once each', () => {
    const response = { batchItemFailures: [{ itemIdentifier: 'm3' }, { itemIdentifier: 'm1' }, { itemIdentifier: 'm3' }] };

    expect(readQueueBatchResponse(response, ids, true)).toEqual({ kind: 'partial', failedMessageIds: ['m3', 'm1'] });
  });

  it.each([
    ['an empty identifier', { batchItemFailures: [{ itemIdentifier: '' }] }],
    ['a message not in the batch', { batchItemFailures: [{ itemIdentifier: 'm9' }] }],
    ['a misnamed key', { batchItemFailures: [{ id: 'm1' }] }],
  ])('fails the whole batch on %s', (_, response) => {
    expect(readQueueBatchResponse(response, ids, true)).toMatchObject({ kind: 'failure' });
  });

  it('ignores the response of a mapping without ReportBatchItemFailures', () => {
    expect(readQueueBatchResponse({ batchItemFailures: [{ itemIdentifier: 'm1' }] }, ids, false)).toEqual({ kind: 'success' });
  });
});

describe('Function: messagesToDelete', () => {
  const ids = ['m1', 'm2', 'm3'];

  it('deletes all after success, all but the failed after a partial failure, none after a failure', () => {
    expect(messagesToDelete({ kind: 'success' }, ids)).toEqual(ids);
    expect(messagesToDelete({ kind: 'partial', failedMessageIds: ['m2'] }, ids)).toEqual(['m1', 'm3']);
    expect(messagesToDelete({ kind: 'failure', reason: 'threw' }, ids)).toEqual([]);
  });
});

describe('Function: pollerCount', () => {
  it('runs MaximumConcurrency pollers, else a few', () => {
    expect(pollerCount({ maximumConcurrency: 5 })).toBe(5);
    expect(pollerCount({})).toBe(DEFAULT_QUEUE_POLLERS);
  });
});

describe('Function: queueMappings', () => {
  it("resolves the queue's URL, ARN, name and visibility timeout, and leaves out the stream mappings", () => {
    const topology: LocalTopology = {
      tables: [],
      streams: [],
      functions: [],
      routes: [],
      schedules: [],
      queues: [
        { logicalId: 'Outbox', name: 'ticket-outbox', fifo: false, contentBasedDeduplication: false, visibilityTimeout: 180, messageRetentionPeriod: 345_600 },
      ],
      eventSourceMappings: [
        {
          logicalId: 'IssuerMapping',
          kind: 'sqs',
          functionLogicalId: 'Issuer',
          sourceLogicalId: 'Outbox',
          eventSourceArn: { 'Fn::GetAtt': ['Outbox', 'Arn'] },
          batchSize: 10,
          maximumBatchingWindowInSeconds: 0,
          enabled: true,
          reportBatchItemFailures: true,
          maximumConcurrency: 5,
        },
        {
          logicalId: 'RelayMapping',
          kind: 'dynamodb',
          functionLogicalId: 'Relay',
          sourceLogicalId: 'OrdersTable',
          eventSourceArn: { 'Fn::GetAtt': ['OrdersTable', 'StreamArn'] },
          batchSize: 100,
          maximumBatchingWindowInSeconds: 0,
          enabled: true,
          reportBatchItemFailures: true,
          startingPosition: 'TRIM_HORIZON',
          bisectBatchOnFunctionError: false,
          maximumRetryAttempts: -1,
          maximumRecordAgeInSeconds: -1,
          parallelizationFactor: 1,
        },
      ],
    };
    const resources: LocalResources = { tableName: (id) => id, streamName: (id) => id, queueUrl: () => QUEUE_URL, resolve: () => QUEUE_ARN };

    expect(queueMappings(topology, resources)).toEqual<QueueMapping[]>([
      {
        id: 'IssuerMapping',
        queueUrl: QUEUE_URL,
        queueArn: QUEUE_ARN,
        queueName: 'ticket-outbox',
        functionName: 'Issuer',
        batchSize: 10,
        maximumBatchingWindowInSeconds: 0,
        reportBatchItemFailures: true,
        enabled: true,
        maximumConcurrency: 5,
        visibilityTimeoutSeconds: 180,
      },
    ]);
  });
});

// ---- the poller, over a fake queue ------------------------------------------------------------

const sqsClient = mockClient(SQSClient);

interface QueuedMessage {
  id: string;
  body: string;
  receiveCount: number;
  visibleAt: number;
  receiptHandle?: string;
}

/** A queue in memory with visibility timeouts; an empty receive waits a little, as a long poll does. */
class FakeQueue {
  readonly messages: QueuedMessage[] = [];
  /** Visibility timeouts the receives asked for. */
  readonly visibilityTimeouts: number[] = [];

  send(...bodies: string[]): void {
    for (const body of bodies) this.messages.push({ id: `id-${body}`, body, receiveCount: 0, visibleAt: 0 });
  }

  bodies(): string[] {
    return this.messages.map((message) => message.body);
  }

  install(client: typeof sqsClient): void {
    client.on(ReceiveMessageCommand).callsFake(async (input: { MaxNumberOfMessages?: number; VisibilityTimeout?: number }) => {
      this.visibilityTimeouts.push(input.VisibilityTimeout ?? -1);
      const now = Date.now();
      const visible = this.messages.filter((message) => message.visibleAt <= now).slice(0, input.MaxNumberOfMessages ?? 1);
      if (visible.length === 0) {
        await new Promise((wake) => setTimeout(wake, 10));
        return {};
      }
      for (const message of visible) {
        message.receiveCount += 1;
        message.visibleAt = now + (input.VisibilityTimeout ?? 30) * 1000;
        message.receiptHandle = randomUUID();
      }
      return {
        Messages: visible.map((message) => ({
          MessageId: message.id,
          ReceiptHandle: message.receiptHandle,
          Body: message.body,
          MD5OfBody: 'md5',
          Attributes: { ApproximateReceiveCount: String(message.receiveCount), SentTimestamp: '1', SenderId: '000000000000', ApproximateFirstReceiveTimestamp: '2' },
        })),
      };
    });
    client.on(DeleteMessageBatchCommand).callsFake((input: { Entries: Array<{ Id: string; ReceiptHandle: string }> }) => {
      for (const entry of input.Entries) {
        const index = this.messages.findIndex((message) => message.receiptHandle === entry.ReceiptHandle);
        if (index >= 0) this.messages.splice(index, 1);
      }
      return { Successful: input.Entries.map((entry) => ({ Id: entry.Id })), Failed: [] };
    });
    client.on(ChangeMessageVisibilityBatchCommand).callsFake((input: { Entries: Array<{ ReceiptHandle: string; VisibilityTimeout: number }> }) => {
      for (const entry of input.Entries) {
        const message = this.messages.find((candidate) => candidate.receiptHandle === entry.ReceiptHandle);
        if (message) message.visibleAt = Date.now() + entry.VisibilityTimeout * 1000;
      }
      return { Successful: [], Failed: [] };
    });
  }
}

const eventually = (check: () => void, timeoutMs = 5_000) => retryUntil(check, timeoutMs, 10);

/** A function standing in for the runtime: records the bodies of each batch, answers by `answer`. */
function recordingFunction(answer: (event: SqsEvent) => unknown = () => ({})) {
  const batches: string[][] = [];
  const events: SqsEvent[] = [];
  return {
    batches,
    events,
    invoke: async (_name: string, payload: unknown) => {
      const event = payload as SqsEvent;
      events.push(event);
      batches.push(event.Records.map((record) => record.body));
      return answer(event);
    },
  };
}

describe('Class: QueuePoller (over a fake queue)', () => {
  let queue: FakeQueue;
  let poller: QueuePoller | undefined;

  const mapping = (overrides: Partial<QueueMapping> = {}): QueueMapping => ({
    id: 'IssuerMapping',
    queueUrl: QUEUE_URL,
    queueArn: QUEUE_ARN,
    queueName: 'ticket-outbox',
    functionName: 'Issuer',
    batchSize: 10,
    maximumBatchingWindowInSeconds: 0,
    reportBatchItemFailures: true,
    enabled: true,
    maximumConcurrency: 1,
    visibilityTimeoutSeconds: 60,
    ...overrides,
  });

  function startPoller(options: { mapping?: Partial<QueueMapping>; functions: { invoke(name: string, event: unknown): Promise<unknown> } }): QueuePoller {
    poller = new QueuePoller({
      mappings: [mapping(options.mapping)],
      sqs: new SQSClient({ region: 'us-east-1' }),
      functions: options.functions,
      backoff: { initialMs: 1, maxMs: 5 },
    });
    poller.start();
    return poller;
  }

  beforeEach(() => {
    sqsClient.reset();
    queue = new FakeQueue();
    queue.install(sqsClient);
  });

  afterEach(async () => {
    await poller?.stop();
    poller = undefined;
  });

  it("invokes with batches of at most BatchSize, shaped as Lambda's, receiving with the queue's visibility timeout, and deletes them after success", async () => {
    queue.send('a', 'b', 'c');
    const fn = recordingFunction();
    startPoller({ mapping: { batchSize: 2 }, functions: fn });

    await eventually(() => expect(queue.messages).toEqual([]));

    expect(fn.batches).toEqual([['a', 'b'], ['c']]);
    expect(fn.events[0]?.Records[0]).toMatchObject({ messageId: 'id-a', body: 'a', eventSource: 'aws:sqs', eventSourceARN: QUEUE_ARN, awsRegion: 'us-east-1' });
    expect(sqsClient).toHaveReceivedCommandWith(ReceiveMessageCommand, {
      QueueUrl: QUEUE_URL,
      MaxNumberOfMessages: 2,
      WaitTimeSeconds: 1,
      VisibilityTimeout: 60,
      MessageSystemAttributeNames: ['All'],
      MessageAttributeNames: ['All'],
    });
  });

  it('deletes all but the messages reported failed, which stay in the queue', async () => {
    queue.send('a', 'b', 'c');
    const fn = recordingFunction((event) => ({ batchItemFailures: [{ itemIdentifier: event.Records[1]?.messageId }] }));
    startPoller({ functions: fn });

    await eventually(() => expect(queue.bodies()).toEqual(['b']));

    expect(fn.batches).toEqual([['a', 'b', 'c']]);
    expect(queue.messages[0]?.receiveCount).toBe(1);
  });

  it('deletes nothing when the function fails, nor when its report is not one Lambda can use', async () => {
    queue.send('a', 'b');
    startPoller({
      functions: recordingFunction(() => {
        throw new FunctionInvocationError('Issuer', 'Error', 'boom');
      }),
    });
    await eventually(() => expect(sqsClient).toHaveReceivedCommand(ReceiveMessageCommand));
    await eventually(() => expect(queue.messages.every((message) => message.receiveCount === 1)).toBe(true));
    await poller?.stop();

    queue.messages.forEach((message) => (message.visibleAt = 0));
    startPoller({ functions: recordingFunction(() => ({ batchItemFailures: [{ itemIdentifier: 'not-in-the-batch' }] })) });
    await eventually(() => expect(queue.messages.every((message) => message.receiveCount === 2)).toBe(true));
    await new Promise((wake) => setTimeout(wake, 50));

    expect(queue.bodies()).toEqual(['a', 'b']);
    expect(sqsClient).not.toHaveReceivedCommand(DeleteMessageBatchCommand);
  });

  it('delivers a message reported failed again once its visibility timeout has passed', async () => {
    queue.send('a', 'b');
    let calls = 0;
    const fn = recordingFunction((event) => (++calls === 1 ? { batchItemFailures: [{ itemIdentifier: event.Records[0]?.messageId }] } : {}));
    startPoller({ mapping: { visibilityTimeoutSeconds: 0.2 }, functions: fn });

    await eventually(() => expect(queue.messages).toEqual([]));

    expect(fn.batches).toEqual([['a', 'b'], ['a']]);
    expect(fn.events[1]?.Records[0]?.attributes.ApproximateReceiveCount).toBe('2');
  });

  it('receives nothing while paused; messages wait and are delivered once resumed', async () => {
    queue.send('a');
    const fn = recordingFunction();
    const started = startPoller({ mapping: { enabled: false }, functions: fn });
    await new Promise((wake) => setTimeout(wake, 100));

    expect(sqsClient).not.toHaveReceivedCommand(ReceiveMessageCommand);
    expect(queue.bodies()).toEqual(['a']);

    started.setEnabled('IssuerMapping', true);

    await eventually(() => expect(queue.messages).toEqual([]));
    expect(fn.batches).toEqual([['a']]);
  });

  it('gives back at once what a receive brought in after the mapping was paused', async () => {
    let release: (() => void) | undefined;
    sqsClient.on(ReceiveMessageCommand).callsFakeOnce(async () => {
      await new Promise<void>((wake) => (release = wake));
      return { Messages: [{ MessageId: 'id-late', ReceiptHandle: 'late', Body: 'late', MD5OfBody: 'md5', Attributes: {} }] };
    });
    const fn = recordingFunction();
    const started = startPoller({ functions: fn });
    await eventually(() => expect(release).toBeDefined());

    started.setEnabled('IssuerMapping', false);
    release?.();

    await eventually(() =>
      expect(sqsClient).toHaveReceivedCommandWith(ChangeMessageVisibilityBatchCommand, {
        QueueUrl: QUEUE_URL,
        Entries: [{ Id: '0', ReceiptHandle: 'late', VisibilityTimeout: 0 }],
      }),
    );
    expect(fn.batches).toEqual([]);
  });

  it('invokes up to MaximumConcurrency batches at once', async () => {
    queue.send('a', 'b', 'c', 'd', 'e', 'f');
    let running = 0;
    let most = 0;
    const fn = recordingFunction(async () => {
      running += 1;
      most = Math.max(most, running);
      await new Promise((wake) => setTimeout(wake, 50));
      running -= 1;
      return {};
    });
    startPoller({ mapping: { batchSize: 1, maximumConcurrency: 3 }, functions: fn });

    await eventually(() => expect(queue.messages).toEqual([]));

    expect(most).toBe(3);
    expect(fn.batches.flat().sort()).toEqual(['a', 'b', 'c', 'd', 'e', 'f']);
  });

  it('gathers more than ten messages into one batch within the batching window', async () => {
    const bodies = Array.from({ length: 15 }, (_, i) => `m${String(i).padStart(2, '0')}`);
    queue.send(...bodies);
    const fn = recordingFunction();
    startPoller({ mapping: { batchSize: 20, maximumBatchingWindowInSeconds: 1 }, functions: fn });

    await eventually(() => expect(queue.messages).toEqual([]));

    expect(fn.batches).toEqual([bodies]);
  });

  it('stops at once, even with an invocation in flight, deleting nothing', async () => {
    queue.send('a');
    let invoked = false;
    const started = startPoller({ functions: { invoke: () => ((invoked = true), new Promise(() => undefined)) } });
    await eventually(() => expect(invoked).toBe(true));

    const stopping = Date.now();
    await started.stop();

    expect(Date.now() - stopping).toBeLessThan(500);
    expect(queue.bodies()).toEqual(['a']);
  });
});

// The MessageAttributeValue type is what the SDK hands over; a list value keeps its shape too.
describe('Function: toSqsEventRecord (list values)', () => {
  it('encodes binary list values in base64', () => {
    const attribute: MessageAttributeValue = { DataType: 'Binary', BinaryListValues: [new Uint8Array([255])] };
    const record = toSqsEventRecord({ MessageId: 'm', ReceiptHandle: 'r', Body: '', MD5OfBody: 'd', MessageAttributes: { list: attribute } }, QUEUE_ARN, 'us-east-1');

    expect(record.messageAttributes.list).toEqual({ stringListValues: [], binaryListValues: ['/w=='], dataType: 'Binary' });
  });
});
