import { ledgerServices } from '../../lib/aws/ledger-services';
import { httpHandler, json } from '../../lib/http';
import { inventoryAvailabilityQuerySchema } from '../../lib/timetable/requests';

const { availability } = ledgerServices();

/** GET /inventory/availability?serviceId=&from=&to=: as the public availability. */
export const handler = httpHandler({ auth: 'internal', query: inventoryAvailabilityQuerySchema }, async ({ query }) =>
  json(200, await availability.availability(query.serviceId, query.from, query.to)),
);
