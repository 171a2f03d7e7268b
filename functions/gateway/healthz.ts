import { httpHandler, json } from '../../lib/http';

/** Liveness: the function runs. Touches no dependency (that is readyz). */
export const handler = httpHandler({ auth: 'public' }, async () => json(200, { status: 'ok' }));
