import { ledgerServices } from '../../lib/aws/ledger-services';
import { httpHandler, json } from '../../lib/http';
import { rideQuerySchema, servicePathSchema } from '../../lib/timetable/requests';

const { availability } = ledgerServices();

/** GET /services/{serviceId}/availability?from=&to= */
export const handler = httpHandler({ auth: 'public', path: servicePathSchema, query: rideQuerySchema }, async ({ path, query }) =>
  json(200, await availability.availability(path.serviceId, query.from, query.to)),
);
