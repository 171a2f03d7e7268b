import { ledgerServices } from '../../lib/aws/ledger-services';
import { httpHandler, noContent } from '../../lib/http';
import { holdPathSchema } from '../../lib/ledger/requests';

const { inventory } = ledgerServices();

/** DELETE /inventory/holds/{holdId}: 204, also for a hold already released or never made. */
export const handler = httpHandler({ auth: 'internal', path: holdPathSchema }, async ({ path }) => {
  await inventory.release(path.holdId);
  return noContent();
});
