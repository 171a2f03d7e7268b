import { CreateQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { queuePair, redrive } from '../../../lib/aws/queue-redrive';
import { useEmulators } from '../../helpers/emulators';

useEmulators();

describe('Function: redrive', () => {
  it('moves every dead letter back to its source queue with its body and attributes, leaving the DLQ empty', async () => {
    // Prepare
    const sqs = new SQSClient({ useQueueUrlAsEndpoint: false });
    const name = `jobs-${Date.now()}`;
    await sqs.send(new CreateQueueCommand({ QueueName: name }));
    await sqs.send(new CreateQueueCommand({ QueueName: `${name}-dlq` }));
    const { source, deadLetters } = await queuePair(sqs, name);
    for (let i = 0; i < 13; i++) {
      await sqs.send(new SendMessageCommand({ QueueUrl: deadLetters, MessageBody: JSON.stringify({ job: i }), MessageAttributes: { eventId: { DataType: 'String', StringValue: `order-${i}:2` } } }));
    }

    // Act
    const { moved } = await redrive(sqs, deadLetters, source);

    // Assess
    expect(moved).toBe(13);
    const left = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: deadLetters, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }));
    expect(Number(left.Attributes?.ApproximateNumberOfMessages) + Number(left.Attributes?.ApproximateNumberOfMessagesNotVisible)).toBe(0);
    const bodies: string[] = [];
    for (;;) {
      const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: source, MaxNumberOfMessages: 10, MessageAttributeNames: ['All'], WaitTimeSeconds: 0 }));
      if (Messages.length === 0) break;
      for (const m of Messages) {
        bodies.push(m.Body ?? '');
        expect(m.MessageAttributes?.eventId?.StringValue).toMatch(/^order-\d+:2$/);
      }
    }
    expect(bodies.map((b) => (JSON.parse(b) as { job: number }).job).sort((a, b) => a - b)).toEqual(Array.from({ length: 13 }, (_, i) => i));
  });

  it('stops after --max messages', async () => {
    const sqs = new SQSClient({ useQueueUrlAsEndpoint: false });
    const name = `capped-${Date.now()}`;
    await sqs.send(new CreateQueueCommand({ QueueName: name }));
    await sqs.send(new CreateQueueCommand({ QueueName: `${name}-dlq` }));
    const { source, deadLetters } = await queuePair(sqs, name);
    for (let i = 0; i < 5; i++) await sqs.send(new SendMessageCommand({ QueueUrl: deadLetters, MessageBody: String(i) }));

    await expect(redrive(sqs, deadLetters, source, { max: 3 })).resolves.toEqual({ moved: 3 });
  });
});
