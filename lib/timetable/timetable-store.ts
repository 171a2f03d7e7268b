import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { BY_DATE_INDEX, ledgerKeys } from '../ledger/ledger-keys';
import { ServiceConflictError } from './errors';
import type { Service } from './service';

type ServiceStatus = 'OPEN';

interface ServiceItem extends Service {
  pk: string;
  sk: string;
  gsi1pk: string;
  gsi1sk: string;
  fingerprint: string;
  status: ServiceStatus;
}

export type PublishOutcome = 'created' | 'already-published';

/**
 * Service definitions, kept in the seat-ledger table. A service is open for sale
 * the moment its definition is stored: its seats need no items until first held.
 */
export class TimetableStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /**
   * Stores a service definition, once. The identical definition again is
   * 'already-published'; a different one under the same id, ServiceConflictError.
   */
  async publish(service: Service, fingerprint: string): Promise<PublishOutcome> {
    const item: ServiceItem = {
      ...ledgerKeys.service(service.serviceId),
      ...ledgerKeys.serviceByDate(service.date, service.trainNo),
      ...service,
      fingerprint,
      status: 'OPEN',
    };
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: item,
          ConditionExpression: 'attribute_not_exists(pk)',
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      return 'created';
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      const existing = error.Item as Record<string, { S?: string }> | undefined;
      if (existing?.fingerprint?.S === fingerprint) return 'already-published';
      throw new ServiceConflictError(`a different service is already published as ${service.serviceId}`, { cause: error });
    }
  }

  /** An open service, or undefined. */
  async getService(serviceId: string): Promise<Service | undefined> {
    const { Item } = await this.db.send(new GetCommand({ TableName: this.tableName, Key: ledgerKeys.service(serviceId) }));
    const item = Item as ServiceItem | undefined;
    return item?.status === 'OPEN' ? toService(item) : undefined;
  }

  /** Open services departing on a date, by train number. */
  async servicesOn(date: string): Promise<Service[]> {
    const services: Service[] = [];
    let cursor: Record<string, unknown> | undefined;
    do {
      const page = await this.db.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: BY_DATE_INDEX,
          KeyConditionExpression: 'gsi1pk = :date',
          ExpressionAttributeValues: { ':date': ledgerKeys.datePartition(date) },
          ExclusiveStartKey: cursor,
        }),
      );
      for (const item of (page.Items ?? []) as ServiceItem[]) {
        if (item.status === 'OPEN') services.push(toService(item));
      }
      cursor = page.LastEvaluatedKey;
    } while (cursor);
    return services;
  }
}

const toService = ({ serviceId, trainNo, date, stops, coaches, fares }: ServiceItem): Service => ({
  serviceId,
  trainNo,
  date,
  stops,
  coaches,
  fares,
});
