import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { JWTPayload } from 'jose';
import { FunctionInvocationError } from './lambda-runtime';
import { InvalidTokenError, LocalAuth } from './local-auth';
import { LOCAL_ACCOUNT_ID } from './provision';
import type { StaticSite } from './static-site';
import type { RouteAuthorization, RouteSpec } from './topology';

/**
 * API Gateway (HTTP API) on one machine: routes by method and path, checks the
 * route's authorization first, invokes the function with a payload format 2.0
 * event, and maps its result back by the format 2.0 rules.
 */
export interface FunctionInvoker {
  invoke(functionName: string, event: unknown): Promise<unknown>;
}

export interface GatewayResponse {
  statusCode: number;
  headers?: Record<string, string>;
  body?: string;
}

export interface LocalRequest {
  body: string;
  headers: Record<string, string>;
  query: URLSearchParams;
}

/** An endpoint of the local cloud itself (`POST /_local/token`), served before the API's routes. */
export type LocalEndpoint = (request: LocalRequest) => Promise<GatewayResponse>;

export interface HttpGatewayOptions {
  routes: readonly RouteSpec[];
  functions: FunctionInvoker;
  auth: LocalAuth;
  /** Keyed by `METHOD /path`. */
  localEndpoints?: Readonly<Record<string, LocalEndpoint>>;
  /** While this answers a response, /readyz answers it instead of the readiness function. */
  readinessHold?: () => GatewayResponse | undefined;
  /** The web console: answers the GET requests no route takes. */
  site?: StaticSite;
}

const API_ID = 'local';
/** API Gateway's own limit on an HTTP API request; the functions enforce the API's 64 KiB. */
const MAX_REQUEST_BYTES = 10 * 1024 * 1024;
const PROBLEM_CONTENT_TYPE = 'application/problem+json';
/** Bodies API Gateway passes as text; anything else arrives base64-encoded. */
const TEXT_CONTENT_TYPE = /^(text\/|application\/([\w.+-]*\+)?(json|xml|javascript))/i;

export function problem(
  status: number,
  slug: string,
  title: string,
  detail: string,
  errors?: ReadonlyArray<{ path: string; message: string }>,
): GatewayResponse {
  return {
    statusCode: status,
    headers: { 'content-type': PROBLEM_CONTENT_TYPE },
    body: JSON.stringify({ type: `/problems/${slug}`, title, status, detail, ...(errors ? { errors } : {}) }),
  };
}

export class HttpGateway {
  private readonly server: Server;
  private readonly routes: CompiledRoute[];

  constructor(private readonly options: HttpGatewayOptions) {
    this.routes = options.routes.map(compileRoute);
    this.server = createServer((req, res) => void this.handle(req, res));
  }

  /** Listens on 127.0.0.1; port 0 picks a free one. */
  async listen(port: number): Promise<string> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, '127.0.0.1', () => resolve());
    });
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async close(): Promise<void> {
    if (!this.server.listening) return;
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeAllConnections();
    await closed;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      send(res, await this.respond(req));
    } catch (error) {
      console.error(`[gateway] ${req.method} ${req.url} failed:`, error);
      send(res, problem(500, 'internal', 'Internal Server Error', 'internal error'));
    }
  }

  private async respond(req: IncomingMessage): Promise<GatewayResponse & { binary?: boolean }> {
    const method = req.method ?? 'GET';
    const target = req.url ?? '/';
    const queryStart = target.indexOf('?');
    const rawPath = queryStart === -1 ? target : target.slice(0, queryStart);
    const rawQueryString = queryStart === -1 ? '' : target.slice(queryStart + 1);

    const body = await readBody(req);
    if (body === undefined) return problem(413, 'payload-too-large', 'Payload Too Large', `requests are limited to ${MAX_REQUEST_BYTES} bytes`);

    const local = this.options.localEndpoints?.[`${method} ${rawPath}`];
    if (local) {
      return local({ body: body.toString('utf8'), headers: joinedHeaders(req), query: new URLSearchParams(rawQueryString) });
    }
    if (method === 'GET' && rawPath === '/readyz') {
      const hold = this.options.readinessHold?.();
      if (hold) return hold;
    }

    const match = matchRoute(this.routes, method, rawPath);
    if (!match) {
      const page = method === 'GET' ? await this.options.site?.respond(rawPath, req.headers.accept) : undefined;
      return page ?? problem(404, 'not-found', 'Not Found', `no route for ${method} ${rawPath}`);
    }

    const authorizer = await this.authorize(match.route.authorization, req.headers.authorization);
    if ('statusCode' in authorizer) return authorizer;

    const event = buildEvent({ req, rawPath, rawQueryString, body, routeKey: match.routeKey, pathParameters: match.pathParameters, authorizer: authorizer.context });
    try {
      return toGatewayResponse(await this.options.functions.invoke(match.route.functionLogicalId, event));
    } catch (error) {
      if (!(error instanceof FunctionInvocationError)) throw error;
      console.error(`[gateway] ${match.routeKey} → ${error.functionName}: ${error.errorType}: ${error.errorMessage}${error.trace.length > 0 ? `\n${error.trace.join('\n')}` : ''}`);
      return problem(500, 'internal', 'Internal Server Error', 'internal error');
    }
  }

  /** The authorizer's verdict: an error response, or what it puts in requestContext.authorizer. */
  private async authorize(
    authorization: RouteAuthorization,
    header: string | undefined,
  ): Promise<GatewayResponse | { context: Record<string, unknown> | undefined }> {
    if (authorization === 'NONE') return { context: undefined };
    // The authorizer's identity source is the Authorization header, with or without "Bearer ".
    const token = header?.replace(/^Bearer\s+/i, '').trim();
    if (!token) return problem(401, 'unauthorized', 'Unauthorized', 'a bearer token is required (POST /_local/token issues one)');
    let claims: JWTPayload;
    try {
      claims = await this.options.auth.verify(token);
    } catch (error) {
      if (!(error instanceof InvalidTokenError)) throw error;
      return problem(401, 'unauthorized', 'Unauthorized', `invalid token: ${error.message}`);
    }
    if (authorization === 'JWT') {
      return { context: { jwt: { claims: flattenClaims(claims), scopes: null } } };
    }
    // AWS_IAM: SigV4 does not exist locally; an admin token stands for an IAM principal.
    if (!LocalAuth.isAdmin(claims)) return problem(403, 'forbidden', 'Forbidden', 'this route is internal: it needs IAM credentials, locally an admin token');
    const user = String(claims.sub);
    return {
      context: {
        iam: {
          accessKey: 'LOCALACCESSKEY',
          accountId: LOCAL_ACCOUNT_ID,
          callerId: user,
          cognitoIdentity: null,
          principalOrgId: null,
          userArn: `arn:aws:iam::${LOCAL_ACCOUNT_ID}:user/${user}`,
          userId: user,
        },
      },
    };
  }
}

// ---- routing -------------------------------------------------------------------

type Segment = { kind: 'literal'; value: string } | { kind: 'param'; name: string } | { kind: 'greedy'; name: string };

interface CompiledRoute {
  route: RouteSpec;
  routeKey: string;
  segments: Segment[];
}

function compileRoute(route: RouteSpec): CompiledRoute {
  const segments = route.path
    .split('/')
    .slice(1)
    .map((part): Segment => {
      const greedy = /^\{(.+)\+\}$/.exec(part);
      if (greedy?.[1]) return { kind: 'greedy', name: greedy[1] };
      const param = /^\{(.+)\}$/.exec(part);
      if (param?.[1]) return { kind: 'param', name: param[1] };
      return { kind: 'literal', value: part };
    });
  return { route, routeKey: `${route.method} ${route.path}`, segments };
}

interface RouteMatch {
  route: RouteSpec;
  routeKey: string;
  pathParameters: Record<string, string>;
  /** Higher is more specific: literal segments beat parameters beat a greedy tail, left to right. */
  rank: number[];
}

function matchRoute(routes: readonly CompiledRoute[], method: string, rawPath: string): RouteMatch | undefined {
  const parts = rawPath.split('/').slice(1);
  let best: RouteMatch | undefined;
  for (const compiled of routes) {
    if (compiled.route.method !== method && compiled.route.method !== 'ANY') continue;
    const match = matchSegments(compiled, parts);
    if (match && (!best || compareRanks(match.rank, best.rank) > 0)) best = match;
  }
  return best;
}

function matchSegments(compiled: CompiledRoute, parts: string[]): RouteMatch | undefined {
  const pathParameters: Record<string, string> = {};
  const rank: number[] = [];
  for (const [index, segment] of compiled.segments.entries()) {
    if (segment.kind === 'greedy') {
      const rest = parts.slice(index);
      if (rest.length === 0 || rest.join('/') === '') return undefined;
      pathParameters[segment.name] = decode(rest.join('/'));
      rank.push(0);
      return { route: compiled.route, routeKey: compiled.routeKey, pathParameters, rank };
    }
    const part = parts[index];
    if (part === undefined) return undefined;
    if (segment.kind === 'literal') {
      if (part !== segment.value) return undefined;
      rank.push(2);
    } else {
      if (part === '') return undefined;
      pathParameters[segment.name] = decode(part);
      rank.push(1);
    }
  }
  if (parts.length !== compiled.segments.length) return undefined;
  rank.push(compiled.route.method === 'ANY' ? 0 : 1);
  return { route: compiled.route, routeKey: compiled.routeKey, pathParameters, rank };
}

function compareRanks(a: number[], b: number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const difference = (a[i] ?? -1) - (b[i] ?? -1);
    if (difference !== 0) return difference;
  }
  return 0;
}

function decode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

// ---- the payload format 2.0 event ----------------------------------------------

interface EventParts {
  req: IncomingMessage;
  rawPath: string;
  rawQueryString: string;
  body: Buffer;
  routeKey: string;
  pathParameters: Record<string, string>;
  authorizer: Record<string, unknown> | undefined;
}

function buildEvent({ req, rawPath, rawQueryString, body, routeKey, pathParameters, authorizer }: EventParts): Record<string, unknown> {
  const now = new Date();
  const requestId = randomBytes(10).toString('base64');
  const sourceIp = (req.socket.remoteAddress ?? '127.0.0.1').replace(/^::ffff:/, '');
  const headers = joinedHeaders(req);
  const cookies = headers.cookie?.split(/;\s*/).filter((cookie) => cookie !== '');
  delete headers.cookie;
  // The headers API Gateway adds on its way to the function.
  headers['x-forwarded-for'] = headers['x-forwarded-for'] ? `${headers['x-forwarded-for']}, ${sourceIp}` : sourceIp;
  headers['x-forwarded-proto'] = 'http';
  headers['x-forwarded-port'] = String(req.socket.localPort ?? '');
  headers['x-amzn-trace-id'] = `Root=1-${Math.floor(now.getTime() / 1000).toString(16)}-${randomBytes(12).toString('hex')}`;
  const domainName = headers.host ?? '127.0.0.1';
  const isText = TEXT_CONTENT_TYPE.test(headers['content-type'] ?? '');
  const query = queryStringParameters(rawQueryString);

  return {
    version: '2.0',
    routeKey,
    rawPath,
    rawQueryString,
    ...(cookies && cookies.length > 0 ? { cookies } : {}),
    headers,
    ...(query ? { queryStringParameters: query } : {}),
    requestContext: {
      accountId: LOCAL_ACCOUNT_ID,
      apiId: API_ID,
      ...(authorizer ? { authorizer } : {}),
      domainName,
      domainPrefix: domainName.split('.')[0] ?? domainName,
      http: {
        method: req.method ?? 'GET',
        path: decode(rawPath),
        protocol: `HTTP/${req.httpVersion}`,
        sourceIp,
        userAgent: headers['user-agent'] ?? '',
      },
      requestId,
      routeKey,
      stage: '$default',
      time: clfTime(now),
      timeEpoch: now.getTime(),
    },
    ...(Object.keys(pathParameters).length > 0 ? { pathParameters } : {}),
    ...(body.length > 0 ? { body: isText ? body.toString('utf8') : body.toString('base64') } : {}),
    isBase64Encoded: body.length > 0 && !isText,
  };
}

/** Lower-case names, repeated headers joined with commas. */
function joinedHeaders(req: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, values] of Object.entries(req.headersDistinct)) {
    if (values) headers[name] = name === 'cookie' ? values.join('; ') : values.join(',');
  }
  return headers;
}

/** Decoded values, a repeated key's values joined with commas; absent without a query. */
function queryStringParameters(rawQueryString: string): Record<string, string> | undefined {
  if (rawQueryString === '') return undefined;
  const parameters: Record<string, string> = {};
  for (const [key, value] of new URLSearchParams(rawQueryString)) {
    parameters[key] = key in parameters ? `${parameters[key]},${value}` : value;
  }
  return parameters;
}

/** API Gateway flattens claims to strings; an array claim becomes `[a b]`. */
function flattenClaims(claims: JWTPayload): Record<string, string> {
  return Object.fromEntries(
    Object.entries(claims).map(([name, value]) => [
      name,
      Array.isArray(value) ? `[${value.join(' ')}]` : typeof value === 'object' && value !== null ? JSON.stringify(value) : String(value),
    ]),
  );
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** `12/Mar/2020:19:03:58 +0000`, the requestContext.time format. */
function clfTime(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${pad(date.getUTCDate())}/${MONTHS[date.getUTCMonth()]}/${date.getUTCFullYear()}:${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())} +0000`;
}

// ---- the function's result -----------------------------------------------------

interface StructuredResult {
  statusCode: unknown;
  headers?: Record<string, unknown>;
  cookies?: unknown[];
  body?: unknown;
  isBase64Encoded?: boolean;
}

/** Format 2.0: an object with a statusCode is the response; anything else is a 200 JSON body. */
function toGatewayResponse(result: unknown): GatewayResponse & { cookies?: string[]; binary?: boolean } {
  if (typeof result !== 'object' || result === null || !('statusCode' in result)) {
    return { statusCode: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify(result) };
  }
  const structured = result as StructuredResult;
  const statusCode = Number(structured.statusCode);
  if (!Number.isInteger(statusCode) || statusCode < 100 || statusCode > 599) {
    console.error(`[gateway] malformed function response: statusCode ${String(structured.statusCode)}`);
    return problem(500, 'internal', 'Internal Server Error', 'internal error');
  }
  const headers = Object.fromEntries(Object.entries(structured.headers ?? {}).map(([name, value]) => [name.toLowerCase(), String(value)]));
  const body = structured.body === undefined ? '' : typeof structured.body === 'string' ? structured.body : JSON.stringify(structured.body);
  if (body !== '' && !headers['content-type']) headers['content-type'] = 'application/json';
  return {
    statusCode,
    headers,
    body,
    binary: structured.isBase64Encoded === true,
    ...(Array.isArray(structured.cookies) ? { cookies: structured.cookies.map(String) } : {}),
  };
}

function send(res: ServerResponse, response: GatewayResponse & { cookies?: string[]; binary?: boolean }): void {
  const body = response.binary ? Buffer.from(response.body ?? '', 'base64') : Buffer.from(response.body ?? '', 'utf8');
  res.statusCode = response.statusCode;
  for (const [name, value] of Object.entries(response.headers ?? {})) res.setHeader(name, value);
  if (response.cookies && response.cookies.length > 0) res.setHeader('set-cookie', response.cookies);
  res.setHeader('content-length', body.length);
  res.end(body);
}

/** The body, or undefined when it exceeds API Gateway's limit. */
async function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_REQUEST_BYTES) return undefined;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}
