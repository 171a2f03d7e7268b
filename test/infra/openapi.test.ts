import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Template } from 'aws-cdk-lib/assertions';
import { API_ROUTES } from '../../lib/http/api-routes';
import { createTicketingApp } from '../../infra/cdk/ticketing-app';
import { buildOpenApiDocument, formatOpenApiDocument, type OpenApiDocument } from '../../lib/openapi';

type AuthorizationType = 'NONE' | 'JWT' | 'AWS_IAM';

/** What each API Gateway authorization type must look like in the document. */
const SECURITY: Record<AuthorizationType, unknown> = {
  NONE: undefined,
  JWT: [{ cognitoJwt: [] }],
  AWS_IAM: [{ sigv4: [] }],
};

const COMMITTED_DOCUMENT = resolve(__dirname, '..', '..', 'openapi.json');

function operationsOf(document: OpenApiDocument): Map<string, { security?: unknown }> {
  return new Map(
    Object.entries(document.paths).flatMap(([path, methods]) => Object.entries(methods).map(([method, operation]) => [`${method.toUpperCase()} ${path}`, operation] as const)),
  );
}

describe('Document: openapi.json', () => {
  let routes: { routeKey: string; authorizationType: AuthorizationType }[];
  let document: OpenApiDocument;

  beforeAll(() => {
    const { stack } = createTicketingApp({ bundle: false, validate: false });
    routes = Object.values(Template.fromStack(stack).findResources('AWS::ApiGatewayV2::Route')).map((route) => ({
      routeKey: route.Properties.RouteKey as string,
      authorizationType: route.Properties.AuthorizationType as AuthorizationType,
    }));
    document = buildOpenApiDocument(API_ROUTES);
  });

  it('describes exactly the routes the synthesized HTTP API serves', () => {
    expect([...operationsOf(document).keys()].sort()).toEqual(routes.map((route) => route.routeKey).sort());
  });

  it('secures each operation as API Gateway authorizes its route: JWT as bearer, AWS_IAM as SigV4, NONE not at all', () => {
    const operations = operationsOf(document);

    for (const { routeKey, authorizationType } of routes) {
      expect({ routeKey, security: operations.get(routeKey)?.security }).toEqual({ routeKey, security: SECURITY[authorizationType] });
    }
  });

  it('is committed as npm run openapi writes it', () => {
    const committed = readFileSync(COMMITTED_DOCUMENT, 'utf8');

    if (committed !== formatOpenApiDocument(document)) {
      throw new Error('openapi.json is out of date with the schemas or the routes: run `npm run openapi` and commit the result');
    }
  });
});
