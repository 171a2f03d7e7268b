import { DynamoDBClient, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import type { SQSRecord } from 'aws-lambda';
import { RefundProviderError } from '../../../lib/refunds/errors';
import type { RefundJob } from '../../../lib/refunds/refund-job';
import { RefundSender } from '../../../lib/refunds/refund-sender';

const db = mockClient(DynamoDBDocumentClient);
const TABLE = 'orders';
const lateJob: RefundJob = { refundId: 'ord-1.payment.pay-1', orderId: 'ord-1', paymentId: 'pay-1', amount: 55_300, reason: 'late-payment' };
const ticketJob: RefundJob = { refundId: 'ord-2.refund.E1', orderId: 'ord-2', paymentId: 'pay-2', amount: 26_250, reason: 'refund' };

const record = (body: unknown, messageId = 'm-1') => ({ messageId, body: JSON.stringify(body) }) as SQSRecord;

describe('Class: RefundSender', () => {
  const provider = { refund: jest.fn<Promise<void>, [RefundJob]>() };
  const sender = new RefundSender(DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1' })), TABLE, provider, { now: () => new Date('2026-12-03T10:00:00Z') });

  beforeEach(() => {
    provider.refund.mockReset().mockResolvedValue(undefined);
    db.on(GetCommand).resolves({});
    db.on(TransactWriteCommand).resolves({});
  });
  afterEach(() => db.reset());

  describe('Method: send', () => {
    it('asks the provider, then records the refund id once and moves a late payment REFUND_REQUIRED → REFUNDED in one transaction', async () => {
      await expect(sender.send(lateJob)).resolves.toBe('sent');

      expect(provider.refund).toHaveBeenCalledWith(lateJob);
      const items = db.commandCalls(TransactWriteCommand)[0]?.args[0].input.TransactItems ?? [];
      expect(items[0]?.Put).toMatchObject({ Item: { pk: 'REFUND#ord-1.payment.pay-1', sk: 'REFUND', amount: 55_300 }, ConditionExpression: 'attribute_not_exists(pk)' });
      expect(items[1]?.Update).toMatchObject({ Key: { pk: 'ORDER#ord-1', sk: 'ORDER' }, ConditionExpression: '#status = :required', ExpressionAttributeValues: expect.objectContaining({ ':refunded': 'REFUNDED' }) });
    });

    it('sends nothing for a refund id already recorded (a repeated job)', async () => {
      db.on(GetCommand).resolves({ Item: { pk: 'REFUND#ord-2.refund.E1' } });

      await expect(sender.send(ticketJob)).resolves.toBe('already-sent');

      expect(provider.refund).not.toHaveBeenCalled();
      expect(db.commandCalls(TransactWriteCommand)).toHaveLength(0);
    });

    it('records nothing when the provider fails, so the job comes back', async () => {
      provider.refund.mockRejectedValue(new RefundProviderError('503'));

      await expect(sender.send(ticketJob)).rejects.toThrow(RefundProviderError);

      expect(db.commandCalls(TransactWriteCommand)).toHaveLength(0);
    });

    it('treats a record a twin delivery wrote first as sent', async () => {
      db.on(TransactWriteCommand).rejects(new TransactionCanceledException({ message: 'cancelled', $metadata: {}, CancellationReasons: [{ Code: 'ConditionalCheckFailed' }] }));

      await expect(sender.send(ticketJob)).resolves.toBe('already-sent');
    });
  });

  describe('Method: sendBatch', () => {
    it('reports only the messages that failed, a malformed one among them', async () => {
      provider.refund.mockImplementation(async (job) => {
        if (job.orderId === 'ord-2') throw new RefundProviderError('503');
      });

      const result = await sender.sendBatch([record(lateJob, 'ok'), record(ticketJob, 'down'), record({ refundId: '' }, 'bad')]);

      expect(result.batchItemFailures.map((f) => f.itemIdentifier).sort()).toEqual(['bad', 'down']);
    });
  });
});
