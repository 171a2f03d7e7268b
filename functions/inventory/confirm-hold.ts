import { ledgerServices } from '../../lib/aws/ledger-services';
import { httpHandler, json } from '../../lib/http';
import { holdPathSchema } from '../../lib/ledger/requests';

const { inventory } = ledgerServices();

/** POST /inventory/holds/{holdId}/confirm: the held seats become sold. */
export const handler = httpHandler({ auth: 'internal', path: holdPathSchema }, async ({ path }) => {
  const { holdId, seats, status } = await inventory.confirm(path.holdId);
  return json(200, { holdId, seats, status });
});
