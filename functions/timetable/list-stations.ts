import { dynamoDocumentClient } from '../../lib/aws/clients';
import { loadConfig } from '../../lib/aws/config';
import { httpHandler, json } from '../../lib/http';
import { StationList, STATIONS_CACHE_MS } from '../../lib/timetable/stations';
import { TimetableStore } from '../../lib/timetable/timetable-store';

const { LEDGER_TABLE_NAME } = loadConfig(['LEDGER_TABLE_NAME']);
const stations = new StationList(new TimetableStore(dynamoDocumentClient(), LEDGER_TABLE_NAME));
const CACHE_CONTROL = `public, max-age=${STATIONS_CACHE_MS / 1000}`;

/** GET /stations: every station of a service departing today or later, for the search form's pickers. */
export const handler = httpHandler({ auth: 'public' }, async () => json(200, { stations: await stations.list() }, { 'cache-control': CACHE_CONTROL }));
