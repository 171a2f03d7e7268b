import { DeleteMessageBatchCommand, GetQueueUrlCommand, ReceiveMessageCommand, SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';

export interface RedriveResult {
  moved: number;
}

export class RedriveError extends Error {
  override readonly name = 'RedriveError';
}

/** The source queue and its dead-letter queue, by convention `<name>` and `<name>-dlq`. */
export async function queuePair(sqs: SQSClient, name: string): Promise<{ source: string; deadLetters: string }> {
  const [source, deadLetters] = await Promise.all(
    [name, `${name}-dlq`].map(async (QueueName) => {
      const { QueueUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName }));
      if (!QueueUrl) throw new RedriveError(`no queue ${QueueName}`);
      return QueueUrl;
    }),
  );
  return { source: source as string, deadLetters: deadLetters as string };
}

/**
 * Moves messages from a dead-letter queue back to its source: receive, re-send
 * with the same body and attributes, then delete only what was re-sent. A crash
 * in between re-sends a message twice, never loses one (consumers are idempotent).
 * Works on AWS, LocalStack and fauxqs alike (no StartMessageMoveTask needed).
 */
export async function redrive(sqs: SQSClient, from: string, to: string, options: { max?: number } = {}): Promise<RedriveResult> {
  const max = options.max ?? Number.POSITIVE_INFINITY;
  let moved = 0;
  while (moved < max) {
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: from, MaxNumberOfMessages: Math.min(10, max - moved), WaitTimeSeconds: 1, VisibilityTimeout: 60, MessageAttributeNames: ['All'] }),
    );
    if (Messages.length === 0) break;
    const sent = await sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: to,
        Entries: Messages.map((m, i) => ({ Id: String(i), MessageBody: m.Body ?? '', ...(m.MessageAttributes ? { MessageAttributes: m.MessageAttributes } : {}) })),
      }),
    );
    const resent = (sent.Successful ?? []).map((s) => Messages[Number(s.Id)]).filter((m) => m?.ReceiptHandle);
    if (resent.length > 0) {
      await sqs.send(new DeleteMessageBatchCommand({ QueueUrl: from, Entries: resent.map((m, i) => ({ Id: String(i), ReceiptHandle: m?.ReceiptHandle as string })) }));
    }
    moved += resent.length;
    if ((sent.Failed ?? []).length > 0) throw new RedriveError(`${sent.Failed?.length} messages could not be re-sent; they stay in the dead-letter queue`);
  }
  return { moved };
}
