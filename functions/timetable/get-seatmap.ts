import { ledgerServices } from '../../lib/aws/ledger-services';
import { httpHandler, json } from '../../lib/http';
import { seatMapQuerySchema, servicePathSchema } from '../../lib/timetable/requests';

const { availability } = ledgerServices();

/** GET /services/{serviceId}/seatmap?from=&to=&seatClass= */
export const handler = httpHandler({ auth: 'public', path: servicePathSchema, query: seatMapQuerySchema }, async ({ path, query }) =>
  json(200, await availability.seatMap(path.serviceId, query.from, query.to, query.seatClass)),
);
