import { Agent, createServer, request, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { closeProxy, listenOnLoopback, upstreamRequestOptions } from './proxy-server';
import { billedTransactionWriteUnits } from './transaction-billing';

/**
 * A pass-through HTTP proxy in front of one emulator that counts what goes
 * through it, for the benchmarks and `GET /_local/metrics` (LOCAL_METER): calls
 * per caller and operation, errors, bytes each way, and for DynamoDB the
 * capacity consumed. The caller is the `app/<id>` of the SDK's user agent
 * (AWS_SDK_UA_APP_ID, which the local cloud sets to a short alias of each function's name and maps back).
 *
 * For DynamoDB it asks for `ReturnConsumedCapacity: INDEXES` where the caller did
 * not, which changes the signed body: DynamoDB Local does not check signatures.
 * The response goes back to the caller byte for byte (the SDK checks its CRC32).
 */
export interface OperationCount {
  requests: number;
  /** Answers of status 400 or more (for DynamoDB, cancelled transactions and failed conditions among them). */
  errors: number;
  /** The most frequent error types, by `__type` (or x-amzn-errortype). */
  errorTypes: Record<string, number>;
  requestBytes: number;
  responseBytes: number;
  readCapacityUnits: number;
  writeCapacityUnits: number;
}

/** caller → operation → counts. */
export type CallCounts = Record<string, Record<string, OperationCount>>;

/** How an emulator's protocol names its operations. */
export type MeteredService = 'dynamodb' | 'kinesis' | 'sqs';

const UNKNOWN_CALLER = 'unknown';

/**
 * The operation of a request of the AWS JSON protocols (`X-Amz-Target: <Service_Version>.<Operation>`),
 * of RPC v2 CBOR (`/service/<Service>/operation/<Operation>`) or of the query protocol (`Action=<Operation>`).
 */
export function operationOf(headers: IncomingHttpHeaders, path: string, body: Buffer): string {
  const target = headers['x-amz-target'];
  const fromTarget = typeof target === 'string' ? /\.(\w+)$/.exec(target.trim())?.[1] : undefined;
  if (fromTarget) return fromTarget;
  const fromPath = /\/operation\/(\w+)/.exec(path)?.[1];
  if (fromPath) return fromPath;
  const fromQuery = /(?:^|[?&])Action=(\w+)/.exec(`${path.includes('?') ? path.slice(path.indexOf('?')) : ''}&${body.toString('utf8', 0, 512)}`)?.[1];
  return fromQuery ?? 'unknown';
}

/**
 * `app/<id>` from the SDK's user agent headers. Powertools appends its own
 * `PT/<feature>/<version> PTEnv/<runtime>` to the app id, which the SDK escapes
 * into `<id>-PT-…`: that part is dropped.
 */
export function callerOf(headers: IncomingHttpHeaders): string {
  for (const name of ['x-amz-user-agent', 'user-agent']) {
    const value = headers[name];
    const match = typeof value === 'string' ? /(?:^|\s)app\/([^\s]+)/.exec(value) : null;
    if (match?.[1]) return match[1].replace(/-PT-.*$/, '');
  }
  return UNKNOWN_CALLER;
}

/**
 * Short caller names for the SDK's app id (`fn<i>`), mapped back to the functions'
 * logical ids in the counts. The SDK allows 50 characters, and Powertools appends
 * `/PT/<feature>/<version>/PTEnv/AWS_Lambda_nodejs22.x` (44) to the variable:
 * a logical id there would make the SDK warn on every call, which is work and log
 * bytes that the function would not spend on AWS.
 */
export function callerAliases(logicalIds: readonly string[]): { aliasOf(logicalId: string): string; nameOf(caller: string): string } {
  const aliases = new Map(logicalIds.map((id, i) => [id, `fn${i}`]));
  const names = new Map([...aliases].map(([id, alias]) => [alias, id]));
  return { aliasOf: (logicalId) => aliases.get(logicalId) ?? logicalId, nameOf: (caller) => names.get(caller) ?? caller };
}

export interface ConsumedCapacity {
  TableName?: string;
  CapacityUnits?: number;
  ReadCapacityUnits?: number;
  WriteCapacityUnits?: number;
}

/** Read and write units of a DynamoDB answer, from the bytes the proxy saw (capacityUnits). */
export function capacityOf(operation: string, responseBody: Buffer, requestBody?: Buffer): { read: number; write: number } {
  try {
    const { ConsumedCapacity } = JSON.parse(responseBody.toString('utf8')) as { ConsumedCapacity?: ConsumedCapacity | ConsumedCapacity[] };
    return capacityUnits(operation, ConsumedCapacity, requestBody && (JSON.parse(requestBody.toString('utf8')) as unknown));
  } catch {
    return { read: 0, write: 0 };
  }
}

/**
 * Read and write units of an answer's ConsumedCapacity (one or a list); with TOTAL only CapacityUnits may come, attributed by the kind of operation.
 * A transaction's write units are counted as AWS bills them, from its request (transaction-billing.ts).
 */
export function capacityUnits(operation: string, consumed: ConsumedCapacity | ConsumedCapacity[] | undefined, request?: unknown): { read: number; write: number } {
  const entries = Array.isArray(consumed) ? consumed : consumed ? [consumed] : [];
  if (/^TransactWriteItems/.test(operation) && request !== undefined && entries.length > 0) {
    return { read: 0, write: billedTransactionWriteUnits(request as Parameters<typeof billedTransactionWriteUnits>[0], entries) };
  }
  const writes = /^(Put|Update|Delete|BatchWrite|TransactWrite)/.test(operation);
  let read = 0;
  let write = 0;
  for (const entry of entries) {
    read += entry.ReadCapacityUnits ?? (writes ? 0 : (entry.CapacityUnits ?? 0));
    write += entry.WriteCapacityUnits ?? (writes ? (entry.CapacityUnits ?? 0) : 0);
  }
  return { read, write };
}

/** The request with `ReturnConsumedCapacity: INDEXES` added where the caller did not ask for any (INDEXES tells a table's units from its indexes'). */
function withCapacityRequested(body: Buffer): Buffer {
  try {
    const parsed = JSON.parse(body.toString('utf8')) as Record<string, unknown>;
    if (parsed.ReturnConsumedCapacity !== undefined && parsed.ReturnConsumedCapacity !== 'NONE') return body;
    return Buffer.from(JSON.stringify({ ...parsed, ReturnConsumedCapacity: 'INDEXES' }));
  } catch {
    return body;
  }
}

function errorTypeOf(headers: IncomingHttpHeaders, body: Buffer): string {
  const header = headers['x-amzn-errortype'];
  const raw = typeof header === 'string' && header !== '' ? header : (/"__type"\s*:\s*"([^"]+)"/.exec(body.toString('utf8', 0, 1024))?.[1] ?? 'unknown');
  // `com.amazonaws.dynamodb.v20120810#TransactionCanceledException` and `Type:http://…` alike → the bare name.
  return raw.split(/[#:]/).filter(Boolean).at(-1) ?? raw;
}

export class MeteringProxy {
  private readonly agent = new Agent({ keepAlive: true });
  private readonly server: Server;
  private counts: CallCounts = {};
  private listeningUrl: string | undefined;

  private constructor(
    private readonly service: MeteredService,
    private readonly upstream: URL,
  ) {
    this.server = createServer((req, res) => this.handle(req, res));
    this.server.keepAliveTimeout = 60_000;
  }

  /** Listens on 127.0.0.1 (a free port) and forwards to `upstream`. */
  static async start(service: MeteredService, upstream: string): Promise<MeteringProxy> {
    const proxy = new MeteringProxy(service, new URL(upstream));
    proxy.listeningUrl = await listenOnLoopback(proxy.server);
    return proxy;
  }

  get url(): string {
    if (this.listeningUrl === undefined) throw new Error(`the ${this.service} metering proxy is not listening`);
    return this.listeningUrl;
  }

  /** A copy of the counts since start. */
  snapshot(): CallCounts {
    return structuredClone(this.counts);
  }

  async close(): Promise<void> {
    await closeProxy(this.server, this.agent);
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.once('end', () => {
      const path = req.url ?? '/';
      const received = Buffer.concat(chunks);
      const operation = operationOf(req.headers, path, received);
      const body = this.service === 'dynamodb' ? withCapacityRequested(received) : received;
      const count = this.countOf(callerOf(req.headers), operation);
      count.requests++;
      count.requestBytes += body.length;
      const upstreamRequest = request(
        upstreamRequestOptions(this.upstream, this.agent, req, { 'content-length': String(body.length) }),
        (upstreamResponse) => {
          const answer: Buffer[] = [];
          upstreamResponse.on('data', (chunk: Buffer) => answer.push(chunk));
          upstreamResponse.once('end', () => {
            const responseBody = Buffer.concat(answer);
            const status = upstreamResponse.statusCode ?? 502;
            count.responseBytes += responseBody.length;
            if (status >= 400) {
              count.errors++;
              const type = errorTypeOf(upstreamResponse.headers, responseBody);
              count.errorTypes[type] = (count.errorTypes[type] ?? 0) + 1;
            }
            if (this.service === 'dynamodb') {
              const { read, write } = capacityOf(operation, responseBody, body);
              count.readCapacityUnits += read;
              count.writeCapacityUnits += write;
            }
            res.writeHead(status, upstreamResponse.headers);
            res.end(responseBody);
          });
          upstreamResponse.once('error', (error) => res.destroy(error));
        },
      );
      upstreamRequest.once('error', (error) => {
        count.errors++;
        if (res.headersSent) {
          res.destroy(error);
          return;
        }
        const text = JSON.stringify({ __type: 'InternalFailure', message: `the ${this.service} emulator did not answer: ${error.message}` });
        res.writeHead(502, { 'content-type': 'application/x-amz-json-1.0', 'content-length': Buffer.byteLength(text) });
        res.end(text);
      });
      upstreamRequest.end(body);
    });
  }

  private countOf(caller: string, operation: string): OperationCount {
    const byOperation = (this.counts[caller] ??= {});
    return (byOperation[operation] ??= { requests: 0, errors: 0, errorTypes: {}, requestBytes: 0, responseBytes: 0, readCapacityUnits: 0, writeCapacityUnits: 0 });
  }
}
