import { dynamoDocumentClient } from '../../lib/aws/clients';
import { OrderStore } from '../../lib/orders/order-store';
import { OrderViewStore } from '../../lib/views/order-view-store';
import { rebuildViews } from '../../lib/views/rebuild-views';
import { passengerData } from '../../lib/aws/passenger-keys';

/**
 * `npm run rebuild-views -- --orders-table <name> --views-table <name>`:
 * re-projects the order-view table from the orders table (README, "Restore").
 * It reaches DynamoDB through the SDK's standard configuration: on AWS your
 * credentials and region; locally `AWS_ENDPOINT_URL_DYNAMODB` (printed by `npm start`).
 */
async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const flag = (key: string) => (args.includes(key) ? args[args.indexOf(key) + 1] : undefined);
  const ordersTable = flag('--orders-table');
  const viewsTable = flag('--views-table');
  if (!ordersTable || !viewsTable) {
    console.error('usage: npm run rebuild-views -- --orders-table <orders table name> --views-table <order-view table name>');
    process.exit(2);
  }
  const db = dynamoDocumentClient();
  const { orders, written } = await rebuildViews(new OrderStore(db, ordersTable, passengerData({ claims: false })), new OrderViewStore(db, viewsTable), {
    onPage: (progress) => console.log(`${progress.orders} orders read, ${progress.written} views written`),
  });
  console.log(`rebuilt ${viewsTable} from ${ordersTable}: ${orders} orders, ${written} views written (the others were already current)`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
