import { handler } from '../../../../functions/gateway/openapi';
import { API_ROUTES } from '../../../../lib/http/api-routes';
import { openApiDocumentResponseSchema, type OpenApiDocument } from '../../../../lib/openapi';
import { loadEvent } from '../../../helpers/events';
import { lambdaContext } from '../../../helpers/invoke';

const parseBody = (body: string | undefined): OpenApiDocument => JSON.parse(body ?? 'null') as OpenApiDocument;

describe('Function: openapi', () => {
  it('answers 200 with the OpenAPI 3.1 document as JSON', async () => {
    // Prepare
    const event = loadEvent('gateway/openapi.json');

    // Act
    const result = await handler(event, lambdaContext());

    // Assess
    expect(result.statusCode).toBe(200);
    expect(result.headers).toEqual({ 'content-type': 'application/json' });
    const document = parseBody(result.body);
    expect(openApiDocumentResponseSchema.safeParse(document).success).toBe(true);
    expect(document.openapi).toBe('3.1.0');
  });

  it('lists every route of the route table, itself included', async () => {
    // Act
    const document = parseBody((await handler(loadEvent('gateway/openapi.json'), lambdaContext())).body);

    // Assess
    for (const { method, path } of API_ROUTES) expect(document.paths[path]).toHaveProperty(method.toLowerCase());
    expect(document.paths['/openapi.json']?.get?.operationId).toBe('getOpenApiDocument');
  });

  it('names the API Gateway host it was asked on as the server, over HTTPS', async () => {
    // Act
    const document = parseBody((await handler(loadEvent('gateway/openapi.json'), lambdaContext())).body);

    // Assess
    expect(document.servers).toEqual([{ url: 'https://r3pmxmplak.execute-api.us-east-1.amazonaws.com' }]);
  });

  it('names a local cloud host over plain HTTP as the request came', async () => {
    // Prepare
    const event = loadEvent('gateway/openapi.json', {
      headers: { host: '127.0.0.1:3000', 'x-forwarded-proto': 'http' },
      requestContext: { domainName: '127.0.0.1:3000' },
    });

    // Act
    const document = parseBody((await handler(event, lambdaContext())).body);

    // Assess
    expect(document.servers).toEqual([{ url: 'http://127.0.0.1:3000' }]);
  });

  it('answers the same document to a caller carrying a token', async () => {
    // Prepare
    const anonymous = await handler(loadEvent('gateway/openapi.json'), lambdaContext());
    const event = loadEvent('http/user-request.json', { rawPath: '/openapi.json', routeKey: 'GET /openapi.json', body: undefined });

    // Act
    const result = await handler(event, lambdaContext());

    // Assess
    expect(result.statusCode).toBe(200);
    expect(parseBody(result.body)).toEqual(parseBody(anonymous.body));
  });
});
