import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { useEmulators } from './emulators';
import { provisionFromTemplate } from './ledger-table';
import type { SeatTables } from './seat-system';

export interface OrderTables {
  db: DynamoDBDocumentClient;
  tables: SeatTables;
  ordersTable: string;
}

/**
 * The emulators for one test file and the template's tables in them (seat ledger,
 * occupancy, orders), provisioned in beforeAll; read them inside a test or hook.
 */
export function useOrderTables(): () => OrderTables {
  let provisioned: OrderTables | undefined;
  useEmulators();
  beforeAll(async () => {
    const { resources, ...tables } = await provisionFromTemplate();
    provisioned = {
      tables,
      ordersTable: resources.tableName('OrdersTable'),
      db: DynamoDBDocumentClient.from(new DynamoDBClient({}), { marshallOptions: { removeUndefinedValues: true } }),
    };
  });
  return () => {
    if (!provisioned) throw new Error('useOrderTables(): the tables are provisioned in beforeAll; read them inside a test or hook');
    return provisioned;
  };
}
