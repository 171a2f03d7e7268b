import { createHash, randomUUID } from 'node:crypto';
import { CreateQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { FunctionInvocationError } from '../../../infra/local/lambda-runtime';
import { QueuePoller, type QueueMapping, type SqsEvent } from '../../../infra/local/queue-poller';
import { useEmulators } from '../../helpers/emulators';
import { eventually as retryUntil } from '../../helpers/eventually';

/**
 * The SQS poller on fauxqs, with a tiny function standing in for the Lambda
 * runtime: what it deletes, what comes back after the visibility timeout, and
 * the queue's own redrive to its dead-letter queue.
 */
describe('Class: QueuePoller (on the emulators)', () => {
  useEmulators();
  let sqs: SQSClient;
  let poller: QueuePoller | undefined;

  beforeAll(() => {
    // Built after the emulators started: the SDK takes their endpoints from the environment.
    sqs = new SQSClient({ useQueueUrlAsEndpoint: false });
  });

  afterEach(async () => {
    await poller?.stop();
    poller = undefined;
  });

  afterAll(() => {
    sqs.destroy();
  });

  async function arnOf(queueUrl: string): Promise<string> {
    const { Attributes: attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }));
    if (!attributes?.QueueArn) throw new Error(`no ARN for ${queueUrl}`);
    return attributes.QueueArn;
  }

  /** A queue with a visibility timeout of 1 s that redrives to a dead-letter queue after `maxReceiveCount` receives. */
  async function queueWithDlq(maxReceiveCount: number): Promise<{ queueUrl: string; queueArn: string; dlqUrl: string; name: string }> {
    const name = `outbox-${randomUUID()}`;
    const { QueueUrl: dlqUrl } = await sqs.send(new CreateQueueCommand({ QueueName: `${name}-dlq` }));
    if (!dlqUrl) throw new Error('no DLQ URL');
    const { QueueUrl: queueUrl } = await sqs.send(
      new CreateQueueCommand({
        QueueName: name,
        Attributes: { VisibilityTimeout: '1', RedrivePolicy: JSON.stringify({ deadLetterTargetArn: await arnOf(dlqUrl), maxReceiveCount }) },
      }),
    );
    if (!queueUrl) throw new Error('no queue URL');
    return { queueUrl, queueArn: await arnOf(queueUrl), dlqUrl, name };
  }

  async function counts(queueUrl: string): Promise<{ visible: number; inFlight: number }> {
    const { Attributes: attributes = {} } = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }),
    );
    return { visible: Number(attributes.ApproximateNumberOfMessages), inFlight: Number(attributes.ApproximateNumberOfMessagesNotVisible) };
  }

  /** A function that records the bodies of every batch and answers through `answer`. */
  function standIn(answer: (event: SqsEvent) => unknown = () => ({})) {
    const batches: string[][] = [];
    const events: SqsEvent[] = [];
    const times: number[] = [];
    return {
      batches,
      events,
      times,
      invoke: async (_name: string, payload: unknown) => {
        const event = payload as SqsEvent;
        events.push(event);
        times.push(Date.now());
        batches.push(event.Records.map((record) => record.body));
        return answer(event);
      },
    };
  }

  function start(queue: { queueUrl: string; queueArn: string; name: string }, fn: { invoke(name: string, event: unknown): Promise<unknown> }, overrides: Partial<QueueMapping> = {}) {
    poller = new QueuePoller({
      mappings: [
        {
          id: 'IssuerMapping',
          queueUrl: queue.queueUrl,
          queueArn: queue.queueArn,
          queueName: queue.name,
          functionName: 'Issuer',
          batchSize: 10,
          maximumBatchingWindowInSeconds: 0,
          reportBatchItemFailures: true,
          enabled: true,
          maximumConcurrency: 2,
          visibilityTimeoutSeconds: 1,
          ...overrides,
        },
      ],
      sqs,
      functions: fn,
      backoff: { initialMs: 20, maxMs: 100 },
    });
    poller.start();
    return poller;
  }

  const eventually = (check: () => void | Promise<void>, timeoutMs = 20_000) => retryUntil(check, timeoutMs, 100);

  async function send(queueUrl: string, ...bodies: string[]): Promise<void> {
    for (const body of bodies) {
      await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: body, MessageAttributes: { eventId: { DataType: 'String', StringValue: `${body}:1` } } }));
    }
  }

  it("delivers messages shaped as Lambda shapes them and deletes them after success", async () => {
    const queue = await queueWithDlq(5);
    await send(queue.queueUrl, 'job-1');
    const fn = standIn();

    start(queue, fn);

    await eventually(async () => expect(await counts(queue.queueUrl)).toEqual({ visible: 0, inFlight: 0 }));
    expect(fn.events[0]?.Records).toEqual([
      {
        messageId: expect.any(String),
        receiptHandle: expect.any(String),
        body: 'job-1',
        attributes: {
          ApproximateReceiveCount: '1',
          SentTimestamp: expect.stringMatching(/^\d+$/),
          SenderId: expect.any(String),
          ApproximateFirstReceiveTimestamp: expect.stringMatching(/^\d+$/),
        },
        messageAttributes: { eventId: { stringValue: 'job-1:1', stringListValues: [], binaryListValues: [], dataType: 'String' } },
        md5OfBody: createHash('md5').update('job-1').digest('hex'),
        md5OfMessageAttributes: expect.stringMatching(/^[0-9a-f]{32}$/),
        eventSource: 'aws:sqs',
        eventSourceARN: queue.queueArn,
        awsRegion: 'us-east-1',
      },
    ]);
  });

  it('after a partial failure only the failed message comes back, after the visibility timeout, and reaches the DLQ after maxReceiveCount', async () => {
    const queue = await queueWithDlq(2);
    await send(queue.queueUrl, 'ok-1', 'poison', 'ok-2');
    const fn = standIn((event) => ({
      batchItemFailures: event.Records.filter((record) => record.body === 'poison').map((record) => ({ itemIdentifier: record.messageId })),
    }));

    start(queue, fn, { maximumConcurrency: 1 });

    await eventually(async () => expect(await counts(queue.dlqUrl)).toEqual({ visible: 1, inFlight: 0 }));
    await eventually(async () => expect(await counts(queue.queueUrl)).toEqual({ visible: 0, inFlight: 0 }));
    const deliveries = fn.events.flatMap((event) => event.Records);
    expect(deliveries.filter((record) => record.body.startsWith('ok')).map((record) => record.body).sort()).toEqual(['ok-1', 'ok-2']);
    const poison = deliveries.filter((record) => record.body === 'poison');
    expect(poison.map((record) => record.attributes.ApproximateReceiveCount)).toEqual(['1', '2']);
    expect(fn.batches.slice(1)).toEqual([['poison']]);
    // It came back only after the visibility timeout (1 s).
    expect((fn.times[1] ?? 0) - (fn.times[0] ?? 0)).toBeGreaterThanOrEqual(900);
    const { Messages: dead = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queue.dlqUrl, WaitTimeSeconds: 1 }));
    expect(dead.map((message) => message.Body)).toEqual(['poison']);
  });

  it('deletes nothing when the function fails: the whole batch comes back', async () => {
    const queue = await queueWithDlq(5);
    await send(queue.queueUrl, 'job-1', 'job-2');
    let calls = 0;
    const fn = standIn(() => {
      calls += 1;
      if (calls === 1) throw new FunctionInvocationError('Issuer', 'Error', 'the tickets table is down');
      return {};
    });

    start(queue, fn, { maximumConcurrency: 1 });

    await eventually(async () => expect(await counts(queue.queueUrl)).toEqual({ visible: 0, inFlight: 0 }));
    const receiveCounts = fn.events.flatMap((event) => event.Records).map((record) => `${record.body}#${record.attributes.ApproximateReceiveCount}`);
    expect(receiveCounts.sort()).toEqual(['job-1#1', 'job-1#2', 'job-2#1', 'job-2#2']);
  });

  it('leaves messages waiting while the mapping is paused and issues them once it is resumed', async () => {
    const queue = await queueWithDlq(5);
    const fn = standIn();
    const started = start(queue, fn, { enabled: false });
    await send(queue.queueUrl, 'job-1', 'job-2');
    await new Promise((wake) => setTimeout(wake, 1_500));

    expect(fn.batches).toEqual([]);
    expect(await counts(queue.queueUrl)).toEqual({ visible: 2, inFlight: 0 });

    started.setEnabled('IssuerMapping', true);

    await eventually(async () => expect(await counts(queue.queueUrl)).toEqual({ visible: 0, inFlight: 0 }));
    expect(fn.batches.flat().sort()).toEqual(['job-1', 'job-2']);
  });
});
