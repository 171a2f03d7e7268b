import type { z } from 'zod';
import { JSON_MEDIA_TYPE, OPENAPI_INFO, OPENAPI_VERSION, schemaRef } from './constants';
import { REQUEST_COMPONENTS, RESPONSE_COMPONENTS } from './components';
import { RouteDescriptionMismatchError, SchemaComponentError } from './errors';
import { componentSchemas, jsonSchemaOf } from './json-schema';
import { OPERATIONS, TAGS } from './operations';
import { parametersOf } from './parameters';
import { PROBLEM_EXAMPLES, problemResponses } from './problem-responses';
import { SECURITY_SCHEMES, securityOf } from './security';
import type { DescribedRoute, HttpMethod, OpenApiDocument, OperationDescription, OperationObject, ResponseDescription, ResponseObject, RouteKey } from './types';
import { routeKeyOf } from './types';

export interface OpenApiOptions {
  /** Descriptions by route key; the API's own by default. */
  readonly operations?: Readonly<Record<string, OperationDescription>>;
}

/**
 * The OpenAPI 3.1 document of `routes` (the CDK route table): one operation
 * per route, its security from the route's auth, everything else from the
 * route's description. Throws when a route has no description or a description
 * no route, so the two cannot drift apart.
 */
export function buildOpenApiDocument(routes: readonly DescribedRoute[], options: OpenApiOptions = {}): OpenApiDocument {
  const operations: Readonly<Record<string, OperationDescription>> = options.operations ?? OPERATIONS;
  const routeKeys = routes.map(routeKeyOf);
  const undescribed = routeKeys.filter((key) => !Object.hasOwn(operations, key));
  const unrouted = Object.keys(operations).filter((key) => !routeKeys.includes(key as RouteKey));
  if (undescribed.length > 0 || unrouted.length > 0) {
    throw new RouteDescriptionMismatchError(
      [
        ...(undescribed.length > 0 ? [`routes without a description in lib/openapi/operations.ts: ${undescribed.join(', ')}`] : []),
        ...(unrouted.length > 0 ? [`descriptions without a route in lib/http/api-routes.ts: ${unrouted.join(', ')}`] : []),
      ].join('; '),
    );
  }

  const requestNames = namesOf(REQUEST_COMPONENTS);
  const responseNames = namesOf(RESPONSE_COMPONENTS);
  const paths: OpenApiDocument['paths'] = {};
  for (const route of routes) {
    const key = routeKeyOf(route);
    const operation = operations[key] as OperationDescription;
    const methods = (paths[route.path] ??= {});
    methods[route.method.toLowerCase() as Lowercase<HttpMethod>] = operationObject(key, route, operation, { requestNames, responseNames });
  }

  return {
    openapi: OPENAPI_VERSION,
    info: { ...OPENAPI_INFO },
    tags: TAGS.map((tag) => ({ ...tag })),
    paths,
    components: {
      schemas: mergeComponents(componentSchemas(REQUEST_COMPONENTS, 'input'), componentSchemas(RESPONSE_COMPONENTS, 'output')),
      securitySchemes: { ...SECURITY_SCHEMES },
      examples: { ...PROBLEM_EXAMPLES },
    },
  };
}

/** The document as served from `url` (the API's base URL, e.g. https://abc123.execute-api.eu-west-1.amazonaws.com). */
export function withServer(document: OpenApiDocument, url: string): OpenApiDocument {
  return { ...document, servers: [{ url }] };
}

/** As `npm run openapi` writes it: two-space indent, a final newline. */
export const formatOpenApiDocument = (document: OpenApiDocument): string => `${JSON.stringify(document, null, 2)}\n`;

interface ComponentNames {
  requestNames: ReadonlyMap<z.ZodType, string>;
  responseNames: ReadonlyMap<z.ZodType, string>;
}

function operationObject(key: RouteKey, route: DescribedRoute, operation: OperationDescription, names: ComponentNames): OperationObject {
  const parameters = parametersOf(key, route.path, operation);
  const body = operation.request?.body;
  const security = securityOf(route.auth);
  const answers = Object.entries(operation.responses).map(([status, response]) => [status, responseObject(key, response, names.responseNames)] as const);
  return {
    operationId: operation.operationId,
    summary: operation.summary,
    ...(operation.description === undefined ? {} : { description: operation.description }),
    tags: [operation.tag],
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(body === undefined ? {} : { requestBody: { required: true, content: jsonContent(componentName(key, body, names.requestNames)) } }),
    responses: { ...Object.fromEntries(answers), ...problemResponses(operation.problems, { gatewayAuthorizes: route.auth !== 'none' }) },
    ...(security === undefined ? {} : { security }),
  };
}

function responseObject(key: RouteKey, response: ResponseDescription, names: ReadonlyMap<z.ZodType, string>): ResponseObject {
  const headers = Object.entries(response.headers ?? {}).map(([name, { description, schema }]) => [name, { description, schema: jsonSchemaOf(schema, 'output') }] as const);
  return {
    description: response.description,
    ...(headers.length > 0 ? { headers: Object.fromEntries(headers) } : {}),
    ...(response.body === undefined ? {} : { content: jsonContent(componentName(key, response.body, names)) }),
  };
}

const jsonContent = (component: string) => ({ [JSON_MEDIA_TYPE]: { schema: schemaRef(component) } });

function namesOf(components: Readonly<Record<string, z.ZodType>>): Map<z.ZodType, string> {
  return new Map(Object.entries(components).map(([name, schema]) => [schema, name]));
}

/** Bodies are always components, so a client generator gives each a type of its own name. */
function componentName(key: RouteKey, schema: z.ZodType, names: ReadonlyMap<z.ZodType, string>): string {
  const name = names.get(schema);
  if (name === undefined) throw new SchemaComponentError(`${key}: a body schema that is not a named component in lib/openapi/components.ts`);
  return name;
}

function mergeComponents(requests: OpenApiDocument['components']['schemas'], responses: OpenApiDocument['components']['schemas']): OpenApiDocument['components']['schemas'] {
  const clash = Object.keys(requests).filter((name) => Object.hasOwn(responses, name));
  if (clash.length > 0) throw new SchemaComponentError(`request and response components share the names ${clash.join(', ')}`);
  return { ...requests, ...responses };
}
