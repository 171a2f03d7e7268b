import { timetableServices } from '../../lib/aws/ledger-services';
import { httpHandler, json } from '../../lib/http';
import { publishServiceSchema } from '../../lib/timetable/service';

const timetable = timetableServices();

/** POST /admin/services: 201 when published now, 200 when the identical service already was. */
export const handler = httpHandler({ auth: 'admin', body: publishServiceSchema }, async ({ body }) => {
  const { serviceId, seats, created } = await timetable.publish(body);
  return json(created ? 201 : 200, { serviceId, seats });
});
