import { API_ROUTES } from '../../lib/http/api-routes';
import { httpHandler, json } from '../../lib/http';
import { buildOpenApiDocument, withServer } from '../../lib/openapi';

// The route table is plain data in lib/: the bundle carries no aws-cdk-lib.
const document = buildOpenApiDocument(API_ROUTES);

/** GET /openapi.json: the API's OpenAPI 3.1 document, naming the host it was asked on as its server. */
export const handler = httpHandler({ auth: 'public' }, async ({ event, headers }) =>
  json(200, withServer(document, `${headers['x-forwarded-proto'] ?? 'https'}://${event.requestContext.domainName}`)),
);
