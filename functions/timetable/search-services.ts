import { ledgerServices } from '../../lib/aws/ledger-services';
import { httpHandler, json } from '../../lib/http';
import { searchQuerySchema } from '../../lib/timetable/requests';

const { availability } = ledgerServices();

/** GET /services?from=&to=&date=: trains that day from one station to another, with free seats and fares. */
export const handler = httpHandler({ auth: 'public', query: searchQuerySchema }, async ({ query }) =>
  json(200, { services: await availability.search(query.from, query.to, query.date) }),
);
