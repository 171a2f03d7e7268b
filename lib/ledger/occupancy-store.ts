import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { occupancyKeys } from './ledger-keys';

/**
 * The occupancy snapshot on DynamoDB: one item per coach holding its encoded
 * occupancy (`coach-occupancy.ts`), all of a service's coaches under one partition.
 */
export class OccupancyStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    readonly tableName: string,
  ) {}

  /** Every coach's bytes of one service: one eventually consistent Query. */
  async read(serviceId: string): Promise<Map<string, Uint8Array>> {
    const coaches = new Map<string, Uint8Array>();
    let cursor: Record<string, unknown> | undefined;
    do {
      const page = await this.db.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': occupancyKeys.servicePartition(serviceId) },
          ProjectionExpression: 'sk, occ',
          ExclusiveStartKey: cursor,
        }),
      );
      for (const item of page.Items ?? []) {
        coaches.set(String(item.sk).slice(occupancyKeys.coachPrefix.length), item.occ as Uint8Array);
      }
      cursor = page.LastEvaluatedKey;
    } while (cursor);
    return coaches;
  }

  /**
   * Writes a coach's occupancy as read from the ledger at `readAt` (epoch ms),
   * unless a later read is already stored. False when one was.
   */
  async write(serviceId: string, coach: string, occupancy: Uint8Array, readAt: number): Promise<boolean> {
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...occupancyKeys.coach(serviceId, coach), occ: occupancy, readAt },
          ConditionExpression: 'attribute_not_exists(pk) OR readAt <= :readAt',
          ExpressionAttributeValues: { ':readAt': readAt },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }
}
