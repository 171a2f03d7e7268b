import { z } from 'zod';
import { DomainError, InvalidRequestError, NotFoundError } from '../../../lib/domain-error';
import { type HttpResult, MAX_BODY_BYTES, httpHandler, json, logger, noContent } from '../../../lib/http';
import { problemSchema } from '../../../lib/http/problem-schema';
import { loadEvent } from '../../helpers/events';
import { lambdaContext } from '../../helpers/invoke';
import { schemaIssues } from '../../helpers/schemas';

const passengerSchema = z.object({ name: z.string().min(1), idNumber: z.string().regex(/^\d{17}[\dX]$/, 'not a resident ID number') });
const orderSchema = z.object({
  serviceId: z.string(),
  from: z.string().length(3),
  to: z.string().length(3),
  seatClass: z.enum(['business', 'first', 'second']),
  passengers: z.array(passengerSchema).min(1).max(5),
});
const padSchema = z.object({ pad: z.string() });

const created = async (): Promise<HttpResult> => json(201, { orderId: 'ord_1' });
const unauthenticated = { requestContext: { authorizer: undefined } };
const withGroups = (groups: unknown) => ({ requestContext: { authorizer: { jwt: { claims: { 'cognito:groups': groups } } } } });

/** A JSON body of exactly `bytes` bytes: {"pad":"xxx…"}. */
const paddedBody = (bytes: number) => JSON.stringify({ pad: 'x'.repeat(bytes - '{"pad":""}'.length) });

const parseBody = (body: string | undefined): Record<string, unknown> => JSON.parse(body ?? 'null') as Record<string, unknown>;

describe('Function: httpHandler', () => {
  beforeEach(() => {
    jest.spyOn(logger, 'info').mockImplementation(() => undefined);
    jest.spyOn(logger, 'warn').mockImplementation(() => undefined);
    jest.spyOn(logger, 'error').mockImplementation(() => undefined);
  });

  afterEach(() => {
    jest.restoreAllMocks();
  });

  describe('auth', () => {
    it('answers 401 unauthorized on a user route when the JWT claims are absent, without running the route', async () => {
      // Prepare
      const run = jest.fn(created);
      const handler = httpHandler({ auth: 'user', body: orderSchema }, run);
      const event = loadEvent('http/unauthenticated-request.json');

      // Act
      const result = await handler(event, lambdaContext());

      // Assess
      expect(result.statusCode).toBe(401);
      expect(result.headers).toEqual({ 'content-type': 'application/problem+json' });
      expect(parseBody(result.body)).toEqual({ type: '/problems/unauthorized', title: 'Unauthorized', status: 401, detail: expect.any(String) });
      expect(run).not.toHaveBeenCalled();
    });

    it('answers 401 when the claims carry no sub', async () => {
      // Prepare
      const run = jest.fn(created);
      const handler = httpHandler({ auth: 'user' }, run);
      const event = loadEvent('http/user-request.json', { requestContext: { authorizer: { jwt: { claims: { sub: undefined } } } } });

      // Act
      const result = await handler(event, lambdaContext());

      // Assess
      expect(result.statusCode).toBe(401);
      expect(run).not.toHaveBeenCalled();
    });

    it('answers 401 on an admin route when the JWT claims are absent', async () => {
      // Prepare
      const run = jest.fn(created);
      const handler = httpHandler({ auth: 'admin' }, run);

      // Act
      const result = await handler(loadEvent('http/admin-request.json', unauthenticated), lambdaContext());

      // Assess
      expect(result.statusCode).toBe(401);
      expect(run).not.toHaveBeenCalled();
    });

    it('answers 403 forbidden on an admin route when the caller is not in the admin group', async () => {
      // Prepare
      const run = jest.fn(created);
      const handler = httpHandler({ auth: 'admin' }, run);

      // Act
      const result = await handler(loadEvent('http/user-request.json'), lambdaContext());

      // Assess
      expect(result.statusCode).toBe(403);
      expect(result.headers).toEqual({ 'content-type': 'application/problem+json' });
      expect(parseBody(result.body)).toMatchObject({ type: '/problems/forbidden', title: 'Forbidden', status: 403 });
      expect(run).not.toHaveBeenCalled();
    });

    it.each([
      ['the flattened string "[admin]"', '[admin]'],
      ['the flattened string "[ops admin]"', '[ops admin]'],
      ['a real array', ['ops', 'admin']],
    ])('admits an admin whose cognito:groups claim is %s', async (_form, groups) => {
      // Prepare
      const run = jest.fn(async () => noContent());
      const handler = httpHandler({ auth: 'admin' }, run);

      // Act
      const result = await handler(loadEvent('http/admin-request.json', withGroups(groups)), lambdaContext());

      // Assess
      expect(result.statusCode).toBe(204);
      expect(run).toHaveBeenCalledWith(expect.objectContaining({ caller: { userId: '9b1d7c3e-5a2f-4e8d-b6c0-71a4e2f9d385', isAdmin: true, via: 'jwt' } }));
    });

    it.each([
      ['a group whose name only contains "admin"', '[administrators]'],
      ['an empty group list', '[]'],
      ['an array without admin', ['ops']],
    ])('refuses an admin route to a caller with %s', async (_form, groups) => {
      // Prepare
      const run = jest.fn(created);
      const handler = httpHandler({ auth: 'admin' }, run);

      // Act
      const result = await handler(loadEvent('http/admin-request.json', withGroups(groups)), lambdaContext());

      // Assess
      expect(result.statusCode).toBe(403);
      expect(run).not.toHaveBeenCalled();
    });

    it('gives a user route the caller from the sub claim', async () => {
      // Prepare
      const run = jest.fn(created);
      const handler = httpHandler({ auth: 'user' }, run);

      // Act
      await handler(loadEvent('http/user-request.json'), lambdaContext());

      // Assess
      expect(run).toHaveBeenCalledWith(expect.objectContaining({ caller: { userId: '3f6e2a10-8c1d-4b7e-9a55-2d0c7b1e4f21', isAdmin: false, via: 'jwt' } }));
    });

    it('runs a public route without claims, with no caller', async () => {
      // Prepare
      const run = jest.fn(async () => json(200, { ok: true }));
      const handler = httpHandler({ auth: 'public' }, run);

      // Act
      const result = await handler(loadEvent('http/unauthenticated-request.json'), lambdaContext());

      // Assess
      expect(result.statusCode).toBe(200);
      expect(run).toHaveBeenCalledWith(expect.objectContaining({ caller: undefined }));
    });

    it('admits an IAM-signed request on an internal route, the caller being the IAM principal', async () => {
      // Prepare
      const run = jest.fn(created);
      const handler = httpHandler({ auth: 'internal' }, run);

      // Act
      const result = await handler(loadEvent('http/iam-request.json'), lambdaContext());

      // Assess
      expect(result.statusCode).toBe(201);
      expect(run).toHaveBeenCalledWith(
        expect.objectContaining({
          caller: { userId: 'arn:aws:sts::123456789012:assumed-role/ticketing-order-create-role/ticketing-order-create', isAdmin: false, via: 'iam' },
        }),
      );
    });

    it('admits an admin token on an internal route (the local cloud has no IAM signing)', async () => {
      // Prepare
      const run = jest.fn(created);
      const handler = httpHandler({ auth: 'internal' }, run);

      // Act
      const result = await handler(loadEvent('http/admin-request.json'), lambdaContext());

      // Assess
      expect(result.statusCode).toBe(201);
      expect(run).toHaveBeenCalledTimes(1);
    });

    it.each([
      ['a user token', 'http/user-request.json', 403],
      ['no credentials at all', 'http/unauthenticated-request.json', 401],
    ])('refuses an internal route to %s', async (_who, fixture, status) => {
      // Prepare
      const run = jest.fn(created);
      const handler = httpHandler({ auth: 'internal' }, run);

      // Act
      const result = await handler(loadEvent(fixture), lambdaContext());

      // Assess
      expect(result.statusCode).toBe(status);
      expect(run).not.toHaveBeenCalled();
    });

    it('refuses an IAM-signed request on a user route', async () => {
      // Prepare
      const run = jest.fn(created);
      const handler = httpHandler({ auth: 'user' }, run);

      // Act
      const result = await handler(loadEvent('http/iam-request.json'), lambdaContext());

      // Assess
      expect(result.statusCode).toBe(401);
      expect(run).not.toHaveBeenCalled();
    });

    it('checks auth before the body size: an unauthenticated oversized body answers 401', async () => {
      // Prepare
      const run = jest.fn(created);
      const handler = httpHandler({ auth: 'user', body: padSchema }, run);
      const event = loadEvent('http/user-request.json', { ...unauthenticated, body: paddedBody(MAX_BODY_BYTES + 1) });

      // Act
      const result = await handler(event, lambdaContext());

      // Assess
      expect(result.statusCode).toBe(401);
      expect(run).not.toHaveBeenCalled();
    });

    it('checks authorization before the body: a non-admin sending malformed JSON to an admin route answers 403', async () => {
      // Prepare
      const run = jest.fn(created);
      const handler = httpHandler({ auth: 'admin', body: orderSchema }, run);

      // Act
      const result = await handler(loadEvent('http/malformed-json-request.json'), lambdaContext());

      // Assess
      expect(result.statusCode).toBe(403);
      expect(run).not.toHaveBeenCalled();
    });
  });

  describe('body size', () => {
    it('answers 413 payload-too-large on a body one byte over 64 KiB, without running the route', async () => {
      // Prepare
      const run = jest.fn(created);
      const handler = httpHandler({ auth: 'user', body: padSchema }, run);
      const event = loadEvent('http/user-request.json', { body: paddedBody(MAX_BODY_BYTES + 1) });

      // Act
      const result = await handler(event, lambdaContext());

      // Assess
      expect(result.statusCode).toBe(413);
      expect(result.headers).toEqual({ 'content-type': 'application/problem+json' });
      expect(parseBody(result.body)).toMatchObject({ type: '/problems/payload-too-large', title: 'Payload Too Large', status: 413 });
      expect(run).not.toHaveBeenCalled();
    });

    it('accepts a body of exactly 64 KiB', async () => {
      // Prepare
      const run = jest.fn(created);
      const handler = httpHandler({ auth: 'user', body: padSchema }, run);
      const body = paddedBody(MAX_BODY_BYTES);

      // Act
      const result = await handler(loadEvent('http/user-request.json', { body }), lambdaContext());

      // Assess
      expect(Buffer.byteLength(body)).toBe(65_536);
      expect(result.statusCode).toBe(201);
    });

    it('measures bytes, not characters', async () => {
      // Prepare
      const run = jest.fn(created);
      const handler = httpHandler({ auth: 'user', body: padSchema }, run);
      const body = JSON.stringify({ pad: '票'.repeat(22_000) }); // 22 000 characters, 66 000 bytes

      // Act
      const result = await handler(loadEvent('http/user-request.json', { body }), lambdaContext());

      // Assess
      expect(result.statusCode).toBe(413);
      expect(run).not.toHaveBeenCalled();
    });

    it('measures a base64-encoded body after decoding it', async () => {
      // Prepare
      const run = jest.fn(created);
      const handler = httpHandler({ auth: 'user', body: padSchema }, run);
      const encoded = Buffer.from(paddedBody(60 * 1024)).toString('base64'); // 80 KiB encoded, 60 KiB decoded

      // Act
      const result = await handler(loadEvent('http/user-request.json', { body: encoded, isBase64Encoded: true }), lambdaContext());

      // Assess
      expect(encoded.length).toBeGreaterThan(MAX_BODY_BYTES);
      expect(result.statusCode).toBe(201);
      expect(run).toHaveBeenCalledWith(expect.objectContaining({ body: { pad: 'x'.repeat(60 * 1024 - 10) } }));
    });

    it('refuses a base64-encoded body that is over 64 KiB once decoded', async () => {
      // Prepare
      const run = jest.fn(created);
      const handler = httpHandler({ auth: 'user', body: padSchema }, run);
      const encoded = Buffer.from(paddedBody(MAX_BODY_BYTES + 1)).toString('base64');

      // Act
      const result = await handler(loadEvent('http/user-request.json', { body: encoded, isBase64Encoded: true }), lambdaContext());

      // Assess
      expect(result.statusCode).toBe(413);
      expect(run).not.toHaveBeenCalled();
    });

    it('checks the size before the JSON syntax', async () => {
      // Prepare
      const run = jest.fn(created);
      const handler = httpHandler({ auth: 'user', body: padSchema }, run);
      const event = loadEvent('http/user-request.json', { body: `{"pad": "${'x'.repeat(MAX_BODY_BYTES)}` });

      // Act
      const result = await handler(event, lambdaContext());

      // Assess
      expect(result.statusCode).toBe(413);
    });

    it('limits the body of routes that declare no body schema too', async () => {
      // Prepare
      const run = jest.fn(created);
      const handler = httpHandler({ auth: 'public' }, run);

      // Act
      const result = await handler(loadEvent('http/unauthenticated-request.json', { body: paddedBody(MAX_BODY_BYTES + 1) }), lambdaContext());

      // Assess
      expect(result.statusCode).toBe(413);
      expect(run).not.toHaveBeenCalled();
    });
  });

  describe('JSON syntax', () => {
    it('answers 400 validation on a malformed JSON body, without running the route', async () => {
      // Prepare
      const run = jest.fn(created);
      const handler = httpHandler({ auth: 'user', body: orderSchema }, run);

      // Act
      const result = await handler(loadEvent('http/malformed-json-request.json'), lambdaContext());

      // Assess
      expect(result.statusCode).toBe(400);
      expect(result.headers).toEqual({ 'content-type': 'application/problem+json' });
      expect(parseBody(result.body)).toEqual({
        type: '/problems/validation',
        title: 'Bad Request',
        status: 400,
        detail: 'the request body is not valid JSON',
        errors: [{ path: 'body', message: 'malformed JSON' }],
      });
      expect(run).not.toHaveBeenCalled();
    });

    it('ignores the body of a route that declares no body schema', async () => {
      // Prepare
      const run = jest.fn(async () => json(200, {}));
      const handler = httpHandler({ auth: 'user' }, run);

      // Act
      const result = await handler(loadEvent('http/malformed-json-request.json'), lambdaContext());

      // Assess
      expect(result.statusCode).toBe(200);
      expect(run).toHaveBeenCalledWith(expect.objectContaining({ body: undefined }));
    });
  });

  describe('validation', () => {
    it('answers 400 naming the path and message of each invalid body field, without running the route', async () => {
      // Prepare
      const run = jest.fn(created);
      const handler = httpHandler({ auth: 'user', body: orderSchema }, run);
      const order = {
        serviceId: 'G1_2026-12-01',
        from: 'VNP',
        to: 'AOH',
        seatClass: 'second',
        passengers: [{ name: 'Li Lei', idNumber: '12345' }],
      };

      // Act
      const result = await handler(loadEvent('http/user-request.json', { body: JSON.stringify(order) }), lambdaContext());

      // Assess
      expect(result.statusCode).toBe(400);
      expect(result.headers).toEqual({ 'content-type': 'application/problem+json' });
      expect(parseBody(result.body)).toEqual({
        type: '/problems/validation',
        title: 'Bad Request',
        status: 400,
        detail: 'the request is not valid',
        errors: [{ path: 'passengers.0.idNumber', message: 'not a resident ID number' }],
      });
      expect(run).not.toHaveBeenCalled();
    });

    it('reports the problems of path, query and body together', async () => {
      // Prepare
      const run = jest.fn(created);
      const handler = httpHandler(
        {
          auth: 'user',
          path: z.object({ serviceId: z.string().regex(/^[A-Z]\d{1,4}_\d{4}-\d{2}-\d{2}$/, 'not a service id') }),
          query: z.object({ limit: z.coerce.number().int().max(100) }),
          body: orderSchema,
        },
        run,
      );
      const event = loadEvent('http/user-request.json', {
        pathParameters: { serviceId: 'nope' },
        queryStringParameters: { limit: '500' },
        body: JSON.stringify({ serviceId: 'G1_2026-12-01', from: 'VNP', to: 'AOH', seatClass: 'sleeper', passengers: [] }),
      });

      // Act
      const result = await handler(event, lambdaContext());

      // Assess
      expect(result.statusCode).toBe(400);
      const errors = parseBody(result.body).errors as { path: string }[];
      expect(errors.map((error) => error.path)).toEqual(['serviceId', 'limit', 'seatClass', 'passengers']);
      expect(run).not.toHaveBeenCalled();
    });

    it('answers 400 naming "body" when a route that takes a body gets none', async () => {
      // Prepare
      const run = jest.fn(created);
      const handler = httpHandler({ auth: 'user', body: orderSchema }, run);

      // Act
      const result = await handler(loadEvent('http/user-request.json', { body: undefined }), lambdaContext());

      // Assess
      expect(result.statusCode).toBe(400);
      expect(parseBody(result.body).errors).toEqual([{ path: 'body', message: expect.any(String) }]);
      expect(run).not.toHaveBeenCalled();
    });

    it('answers 400 naming a required header that is missing', async () => {
      // Prepare
      const run = jest.fn(created);
      const handler = httpHandler({ auth: 'user', headers: z.looseObject({ 'idempotency-key': z.string().min(1).max(64) }) }, run);
      const event = loadEvent('http/user-request.json', { headers: { 'idempotency-key': undefined } });

      // Act
      const result = await handler(event, lambdaContext());

      // Assess
      expect(result.statusCode).toBe(400);
      expect(parseBody(result.body).errors).toEqual([{ path: 'idempotency-key', message: expect.any(String) }]);
      expect(run).not.toHaveBeenCalled();
    });

    it('hands the route parsed values: coerced query, path, lower-cased headers and the body', async () => {
      // Prepare
      const received: unknown[] = [];
      const handler = httpHandler(
        {
          auth: 'user',
          path: z.object({ serviceId: z.string() }),
          query: z.object({ limit: z.coerce.number().int().default(20), cursor: z.string().optional() }),
          headers: z.looseObject({ 'idempotency-key': z.string() }),
          body: orderSchema,
        },
        async (request) => {
          received.push(request);
          return created();
        },
      );
      const event = loadEvent('http/user-request.json', {
        pathParameters: { serviceId: 'G1_2026-12-01' },
        queryStringParameters: { limit: '5' },
        headers: { 'X-Request-Source': 'console' },
      });

      // Act
      await handler(event, lambdaContext());

      // Assess
      expect(received).toEqual([
        expect.objectContaining({
          path: { serviceId: 'G1_2026-12-01' },
          query: { limit: 5 },
          headers: expect.objectContaining({ 'idempotency-key': '5c0a4f7e-2b9d-4e31-8a6c-0d1f2e3b4a59', 'x-request-source': 'console' }),
          body: {
            serviceId: 'G1_2026-12-01',
            from: 'VNP',
            to: 'AOH',
            seatClass: 'second',
            passengers: [{ name: 'Li Lei', idNumber: '110101199003070011' }],
          },
          event: expect.objectContaining({ requestContext: expect.objectContaining({ requestId: 'JKJjVhmPLvHcEaA=' }) }),
        }),
      ]);
    });

    it('validates an absent query string as an empty object', async () => {
      // Prepare
      const run = jest.fn(created);
      const handler = httpHandler({ auth: 'public', query: z.object({ from: z.string().length(3) }) }, run);

      // Act
      const result = await handler(loadEvent('gateway/healthz.json'), lambdaContext());

      // Assess
      expect(result.statusCode).toBe(400);
      expect(parseBody(result.body).errors).toEqual([{ path: 'from', message: expect.any(String) }]);
    });
  });

  describe('responses', () => {
    it('serialises a result body as application/json and keeps the route headers', async () => {
      // Prepare
      const handler = httpHandler({ auth: 'user' }, async () => json(201, { orderId: 'ord_1', amount: 55300 }, { 'idempotent-replayed': 'true' }));

      // Act
      const result = await handler(loadEvent('http/user-request.json'), lambdaContext());

      // Assess
      expect(result).toEqual({
        statusCode: 201,
        headers: { 'content-type': 'application/json', 'idempotent-replayed': 'true' },
        body: '{"orderId":"ord_1","amount":55300}',
      });
    });

    it('answers 204 with no body', async () => {
      // Prepare
      const handler = httpHandler({ auth: 'internal' }, async () => noContent());

      // Act
      const result = await handler(loadEvent('http/iam-request.json'), lambdaContext());

      // Assess
      expect(result).toEqual({ statusCode: 204 });
    });
  });

  describe('errors', () => {
    const problems = [
      ['validation', 400, 'Bad Request'],
      ['unauthorized', 401, 'Unauthorized'],
      ['forbidden', 403, 'Forbidden'],
      ['not-found', 404, 'Not Found'],
      ['sold-out', 409, 'Sold Out'],
      ['duplicate-passenger', 409, 'Duplicate Passenger'],
      ['invalid-state', 409, 'Invalid State'],
      ['payment-mismatch', 409, 'Payment Mismatch'],
      ['conflict', 409, 'Conflict'],
      ['idempotency-conflict', 422, 'Idempotency Conflict'],
      ['payload-too-large', 413, 'Payload Too Large'],
    ] as const;

    it.each(problems)('answers a DomainError with problem %s as %i problem+json', async (problem, status, title) => {
      // Prepare
      class RouteError extends DomainError {
        readonly problem = problem;
      }
      const handler = httpHandler({ auth: 'user' }, async () => {
        throw new RouteError(`the route refused: ${problem}`);
      });

      // Act
      const result = await handler(loadEvent('http/user-request.json'), lambdaContext());

      // Assess
      expect(result.statusCode).toBe(status);
      expect(result.headers).toEqual({ 'content-type': 'application/problem+json' });
      expect(parseBody(result.body)).toEqual({ type: `/problems/${problem}`, title, status, detail: `the route refused: ${problem}` });
      expect(logger.error).not.toHaveBeenCalled();
    });

    it('keeps the field errors of an InvalidRequestError', async () => {
      // Prepare
      const handler = httpHandler({ auth: 'user' }, async () => {
        throw new InvalidRequestError('unknown station', { errors: [{ path: 'from', message: 'no stop XYZ on G1' }] });
      });

      // Act
      const result = await handler(loadEvent('http/user-request.json'), lambdaContext());

      // Assess
      expect(result.statusCode).toBe(400);
      expect(parseBody(result.body)).toMatchObject({ detail: 'unknown station', errors: [{ path: 'from', message: 'no stop XYZ on G1' }] });
    });

    it('writes each problem, field errors and the generic 500 included, as the Problem schema of the OpenAPI document describes it', async () => {
      // Prepare
      const failures: unknown[] = [
        ...problems.map(([problem]) => new (class extends DomainError { readonly problem = problem; })(`refused: ${problem}`)),
        new InvalidRequestError('unknown station', { errors: [{ path: 'from', message: 'no stop XYZ on G1' }] }),
        new TypeError('a bug'),
      ];

      // Act
      const bodies = await Promise.all(
        failures.map(async (failure) => {
          const handler = httpHandler({ auth: 'user' }, async () => {
            throw failure;
          });
          return parseBody((await handler(loadEvent('http/user-request.json'), lambdaContext())).body);
        }),
      );

      // Assess
      for (const body of bodies) expect({ type: body.type, issues: schemaIssues(problemSchema, body) }).toEqual({ type: body.type, issues: [] });
      expect(bodies.map((body) => body.type)).toEqual(expect.arrayContaining(['/problems/internal', '/problems/validation']));
    });

    it('answers a NotFoundError as 404 not-found', async () => {
      // Prepare
      const handler = httpHandler({ auth: 'user' }, async () => {
        throw new NotFoundError('no order ord_9');
      });

      // Act
      const result = await handler(loadEvent('http/user-request.json'), lambdaContext());

      // Assess
      expect(result.statusCode).toBe(404);
      expect(parseBody(result.body)).toEqual({ type: '/problems/not-found', title: 'Not Found', status: 404, detail: 'no order ord_9' });
    });

    it('answers an unexpected error with a generic 500 that leaks nothing, and logs it', async () => {
      // Prepare
      const failure = new TypeError('Cannot read properties of undefined (reading "pk") at secret-table');
      const handler = httpHandler({ auth: 'user' }, async () => {
        throw failure;
      });

      // Act
      const result = await handler(loadEvent('http/user-request.json'), lambdaContext());

      // Assess
      expect(result.statusCode).toBe(500);
      expect(result.headers).toEqual({ 'content-type': 'application/problem+json' });
      expect(parseBody(result.body)).toEqual({ type: '/problems/internal', title: 'Internal Server Error', status: 500, detail: 'internal error' });
      expect(result.body).not.toContain('secret-table');
      expect(logger.error).toHaveBeenCalledWith('unexpected error', failure);
    });

    it('answers a thrown non-Error value with the generic 500', async () => {
      // Prepare
      const handler = httpHandler({ auth: 'public' }, async () => {
        throw 'a string, not an Error';
      });

      // Act
      const result = await handler(loadEvent('gateway/healthz.json'), lambdaContext());

      // Assess
      expect(result.statusCode).toBe(500);
      expect(result.body).not.toContain('a string');
      expect(logger.error).toHaveBeenCalledWith('unexpected error', { error: 'a string, not an Error' });
    });
  });
});
