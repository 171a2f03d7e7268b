import { ledgerServices } from '../../lib/aws/ledger-services';
import { httpHandler, json } from '../../lib/http';
import { createHoldSchema } from '../../lib/ledger/requests';

const { inventory } = ledgerServices();

/** POST /inventory/holds: 201 with the seats held; the same holdId again answers the same hold. */
export const handler = httpHandler({ auth: 'internal', body: createHoldSchema }, async ({ body }) => {
  const { holdId, seats, expiresAt } = await inventory.hold(body);
  return json(201, { holdId, seats, expiresAt });
});
