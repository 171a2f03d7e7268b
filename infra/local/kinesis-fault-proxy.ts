import { Agent, createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { closeProxy, listenOnLoopback, upstreamRequestOptions } from './proxy-server';

/**
 * A pass-through HTTP proxy in front of kinesis-local that can make Kinesis
 * refuse every publish, as an outage of the stream would: while publishing is
 * down, PutRecord and PutRecords answer 503 ServiceUnavailable (the SDK retries
 * a 503, then fails); every other call (and every call while up) goes through
 * unchanged. The functions reach Kinesis through it; the pollers read
 * kinesis-local directly. The fault lives at the emulator's boundary, not in
 * product code.
 */

/** The operations that publish to a stream. */
const PUBLISH_OPERATIONS = new Set(['PutRecord', 'PutRecords']);
const JSON_CONTENT_TYPE = 'application/x-amz-json-1.1';

/**
 * The Kinesis operation a request calls: from `X-Amz-Target: Kinesis_20131202.<Operation>`
 * (the JSON protocol) or the path `/service/Kinesis_20131202/operation/<Operation>` (RPC v2 CBOR).
 */
export function kinesisOperation(headers: Readonly<Record<string, string | string[] | undefined>>, path: string): string | undefined {
  const target = headers['x-amz-target'];
  const targetValue = Array.isArray(target) ? target[0] : target;
  const fromTarget = targetValue === undefined ? undefined : /^Kinesis_\d+\.(\w+)$/.exec(targetValue.trim())?.[1];
  return fromTarget ?? /\/service\/Kinesis_\d+\/operation\/(\w+)/.exec(path)?.[1];
}

/** Whether a request publishes records (and so fails while the stream is down). */
export function isPublish(headers: Readonly<Record<string, string | string[] | undefined>>, path: string): boolean {
  const operation = kinesisOperation(headers, path);
  return operation !== undefined && PUBLISH_OPERATIONS.has(operation);
}

export class KinesisFaultProxy {
  private publishing = true;
  private readonly agent = new Agent({ keepAlive: true });
  private readonly server: Server;
  private listeningUrl: string | undefined;

  private constructor(private readonly upstream: URL) {
    this.server = createServer((req, res) => this.handle(req, res));
  }

  /** Listens on 127.0.0.1 (a free port) and forwards to `upstream`, e.g. kinesis-local's plain HTTP endpoint. */
  static async start(upstream: string): Promise<KinesisFaultProxy> {
    const proxy = new KinesisFaultProxy(new URL(upstream));
    proxy.listeningUrl = await listenOnLoopback(proxy.server);
    return proxy;
  }

  /** The endpoint to give the functions (`AWS_ENDPOINT_URL_KINESIS`). */
  get url(): string {
    if (this.listeningUrl === undefined) throw new Error('the Kinesis proxy is not listening');
    return this.listeningUrl;
  }

  /** Whether PutRecord / PutRecords go through. */
  get isPublishing(): boolean {
    return this.publishing;
  }

  /** `false`: every publish fails with 503 until set back to `true`. */
  setPublishing(up: boolean): void {
    this.publishing = up;
  }

  async close(): Promise<void> {
    await closeProxy(this.server, this.agent);
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    if (!this.publishing && isPublish(req.headers, req.url ?? '/')) {
      // Read the body first, so that the connection stays usable for the client's retry.
      req.resume();
      req.once('end', () =>
        answer(res, 503, {
          __type: 'ServiceUnavailable',
          message: 'Kinesis is unavailable (the local cloud\'s eventStream fault is down; POST /_local/faults { "eventStream": "up" } restores it)',
        }),
      );
      return;
    }
    const upstreamRequest = request(upstreamRequestOptions(this.upstream, this.agent, req), (upstreamResponse) => {
      res.writeHead(upstreamResponse.statusCode ?? 502, upstreamResponse.headers);
      upstreamResponse.pipe(res);
    });
    upstreamRequest.once('error', (error) => {
      if (res.headersSent) {
        res.destroy(error);
        return;
      }
      answer(res, 502, { __type: 'InternalFailure', message: `kinesis-local did not answer: ${error.message}` });
    });
    req.pipe(upstreamRequest);
  }
}

function answer(res: ServerResponse, statusCode: number, body: Record<string, string>): void {
  const text = JSON.stringify(body);
  res.writeHead(statusCode, { 'content-type': JSON_CONTENT_TYPE, 'content-length': Buffer.byteLength(text), 'x-amzn-errortype': body.__type ?? '' });
  res.end(text);
}
