import { Validator } from '@seriousme/openapi-schema-validator';
import { z } from 'zod';
import { API_ROUTES } from '../../../lib/http/api-routes';
import type { ProblemType } from '../../../lib/domain-error';
import { type ProblemDocument, problemDocument } from '../../../lib/http';
import { problemSchema } from '../../../lib/http/problem-schema';
import {
  buildOpenApiDocument,
  type DescribedRoute,
  type OpenApiDocument,
  OPERATIONS,
  type OperationDescription,
  RouteDescriptionMismatchError,
  SchemaComponentError,
} from '../../../lib/openapi';

type Operation = OpenApiDocument['paths'][string]['get'] & object;

function operationOf(document: OpenApiDocument, method: string, path: string): Operation {
  const operation = document.paths[path]?.[method.toLowerCase() as 'get'];
  if (!operation) throw new Error(`no operation ${method} ${path}`);
  return operation;
}

/** Follows a local `$ref` (`#/components/...`) through the document. */
function resolveRef(document: OpenApiDocument, ref: string): unknown {
  return ref
    .replace(/^#\//, '')
    .split('/')
    .reduce<unknown>((node, key) => (node as Record<string, unknown>)[key], document);
}

const pingRoute: DescribedRoute = { method: 'GET', path: '/ping/{pingId}', auth: 'none' };
const pingOperation: OperationDescription = {
  operationId: 'ping',
  summary: 'ping',
  tag: 'health',
  request: { path: z.object({ pingId: z.string() }) },
  responses: { 204: { description: 'pong' } },
  problems: [],
};

describe('Function: buildOpenApiDocument', () => {
  let document: OpenApiDocument;

  beforeAll(() => {
    document = buildOpenApiDocument(API_ROUTES);
  });

  describe('Method: the route table', () => {
    it('has one operation per route, under its path and method', () => {
      const operations = Object.entries(document.paths).flatMap(([path, methods]) => Object.keys(methods).map((method) => `${method.toUpperCase()} ${path}`));

      expect(operations.sort()).toEqual(API_ROUTES.map((route) => `${route.method} ${route.path}`).sort());
    });

    it('refuses a route without a description, naming it', () => {
      const routes = [...API_ROUTES, { method: 'GET', path: '/unlisted', auth: 'none' } as const];

      expect(() => buildOpenApiDocument(routes)).toThrow(RouteDescriptionMismatchError);
      expect(() => buildOpenApiDocument(routes)).toThrow(/routes without a description.*GET \/unlisted/);
    });

    it('refuses a description whose route is gone, naming it', () => {
      const routes = API_ROUTES.filter((route) => route.path !== '/orders/{orderId}/cancel');

      expect(() => buildOpenApiDocument(routes)).toThrow(/descriptions without a route.*POST \/orders\/\{orderId\}\/cancel/);
    });

    it('refuses a path schema that does not name the parameters of the path', () => {
      const renamed: DescribedRoute = { method: 'GET', path: '/ping/{id}', auth: 'none' };

      expect(() => buildOpenApiDocument([renamed], { operations: { 'GET /ping/{id}': pingOperation } })).toThrow(
        /GET \/ping\/\{id\}: the path has parameters \[id\], its path schema \[pingId\]/,
      );
    });

    it('refuses a body schema that is not a named component', () => {
      const withBody: OperationDescription = { ...pingOperation, request: { ...pingOperation.request, body: z.object({ anonymous: z.string() }) } };

      expect(() => buildOpenApiDocument([pingRoute], { operations: { 'GET /ping/{pingId}': withBody } })).toThrow(SchemaComponentError);
    });
  });

  describe('Method: security', () => {
    it.each(API_ROUTES.map((route) => [`${route.method} ${route.path}`, route] as const))('secures %s as its route table entry says', (_key, route) => {
      const { security } = operationOf(document, route.method, route.path);

      if (route.auth === 'none') expect(security).toBeUndefined();
      else expect(security).toEqual([{ [route.auth === 'jwt' ? 'cognitoJwt' : 'sigv4']: [] }]);
    });

    it('declares the Cognito JWT as HTTP bearer and SigV4 as API Gateway does', () => {
      expect(document.components.securitySchemes).toEqual({
        cognitoJwt: expect.objectContaining({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' }),
        sigv4: expect.objectContaining({ type: 'apiKey', in: 'header', name: 'Authorization', 'x-amazon-apigateway-authtype': 'awsSigv4' }),
      });
    });
  });

  describe('Method: requests', () => {
    it('takes the order body from the very schema the handler validates with, as a component', () => {
      const body = operationOf(document, 'POST', '/orders').requestBody;

      expect(body).toEqual({ required: true, content: { 'application/json': { schema: { $ref: '#/components/schemas/CreateOrderRequest' } } } });
      expect(document.components.schemas.CreateOrderRequest).toMatchObject({
        type: 'object',
        required: ['serviceId', 'from', 'to', 'seatClass', 'passengers'],
        additionalProperties: false,
        properties: { passengers: { type: 'array', minItems: 1, maxItems: 5 }, seatClass: { enum: ['business', 'first', 'second'] } },
      });
    });

    it('requires the Idempotency-Key header of POST /orders under the name clients write', () => {
      expect(operationOf(document, 'POST', '/orders').parameters).toEqual([
        expect.objectContaining({ name: 'Idempotency-Key', in: 'header', required: true, schema: { type: 'string', minLength: 1, maxLength: 64 } }),
      ]);
    });

    it('describes a query as clients send it: a defaulted limit is optional', () => {
      const parameters = operationOf(document, 'GET', '/orders').parameters ?? [];

      expect(parameters).toEqual([
        expect.objectContaining({ name: 'limit', in: 'query', required: false, schema: { type: 'integer', minimum: 1, maximum: 100, default: 20 } }),
        expect.objectContaining({ name: 'cursor', in: 'query', required: false }),
      ]);
    });

    it('makes every path parameter required, with the pattern of its schema', () => {
      expect(operationOf(document, 'GET', '/orders/{orderId}').parameters).toEqual([
        expect.objectContaining({ name: 'orderId', in: 'path', required: true, schema: { type: 'string', pattern: '^[A-Za-z0-9_-]{1,64}$' } }),
      ]);
    });
  });

  describe('Method: responses', () => {
    it('answers problem+json with the Problem schema for each status a route lists, naming every slug', () => {
      const { responses } = operationOf(document, 'POST', '/orders');

      expect(Object.keys(responses).sort()).toEqual(['201', '400', '401', '409', '413', '422', '429', '500']);
      expect(responses['429']?.description).toMatch(/`limit-reached`/);
      expect(responses['409']?.description).toMatch(/`sold-out`.*`duplicate-passenger`/);
      expect(responses['422']?.content?.['application/problem+json']?.schema).toEqual({ $ref: '#/components/schemas/Problem' });
    });

    it('gives each problem an example as the handlers write it, which the Problem schema accepts', () => {
      const examples = operationOf(document, 'POST', '/orders').responses['409']?.content?.['application/problem+json']?.examples ?? {};

      expect(Object.keys(examples)).toEqual(['sold-out', 'sales-closed', 'duplicate-passenger', 'conflict']);
      for (const [slug, example] of Object.entries(examples) as [ProblemType, { $ref: string }][]) {
        const { value } = resolveRef(document, example.$ref) as { value: ProblemDocument };
        expect(problemSchema.parse(value)).toEqual(problemDocument(slug, value.detail, value.errors));
        expect(value).toMatchObject({ type: `/problems/${slug}`, status: 409 });
      }
    });

    it('describes the Problem schema from zod, with every problem type', () => {
      expect(document.components.schemas.Problem).toMatchObject({
        type: 'object',
        required: ['type', 'title', 'status', 'detail'],
        properties: { type: { enum: expect.arrayContaining(['/problems/validation', '/problems/idempotency-conflict', '/problems/internal']) } },
      });
    });

    it('refers from a list response to the component of its items', () => {
      expect(document.components.schemas.OrderList).toMatchObject({ properties: { orders: { type: 'array', items: { $ref: '#/components/schemas/Order' } } } });
    });

    it('lets responses carry fields beyond the ones they name, as the contract allows', () => {
      expect(document.components.schemas.Order).toMatchObject({ additionalProperties: {} });
    });

    it('documents the Idempotent-Replayed header of a replayed order', () => {
      expect(operationOf(document, 'POST', '/orders').responses['201']?.headers).toEqual({
        'Idempotent-Replayed': expect.objectContaining({ schema: { type: 'string', const: 'true' } }),
      });
    });

    it('answers a release with no body', () => {
      expect(operationOf(document, 'DELETE', '/inventory/holds/{holdId}').responses['204']).toEqual({ description: expect.any(String) });
    });
  });

  describe('Method: the document', () => {
    it('is a valid OpenAPI 3.1 document, every $ref resolving', async () => {
      const validator = new Validator();

      const result = await validator.validate(structuredClone(document) as unknown as Record<string, unknown>);

      expect(result).toEqual({ valid: true });
      expect(validator.version).toBe('3.1');
    });

    it('fails validation once a $ref points nowhere, so the check above can fail', async () => {
      const broken = structuredClone(document);
      delete broken.components.schemas.Order;

      const result = await new Validator().validate(broken as unknown as Record<string, unknown>);

      expect(result).toEqual({ valid: false, errors: expect.stringContaining('#/components/schemas/Order') });
    });

    it('describes every route of OPERATIONS once: no two share an operation id', () => {
      const ids = Object.values(OPERATIONS).map((operation) => operation.operationId);

      expect(new Set(ids).size).toBe(ids.length);
    });
  });
});
