import type { Agent, IncomingHttpHeaders, RequestOptions, Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * What the local cloud's pass-through proxies in front of the emulators share
 * (kinesis-fault-proxy.ts, metering-proxy.ts): a loopback listener on a free
 * port, requests forwarded as they came, and a shutdown that leaves nothing open.
 */

/** Listens on 127.0.0.1, on a free port; the URL to reach it. */
export async function listenOnLoopback(server: Server): Promise<string> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** The options that send a request on to `upstream` as it came, with `headers` replacing some of its own. */
export function upstreamRequestOptions(
  upstream: URL,
  agent: Agent,
  incoming: { method?: string; url?: string; headers: IncomingHttpHeaders },
  headers: Record<string, string> = {},
): RequestOptions {
  return {
    protocol: upstream.protocol,
    hostname: upstream.hostname,
    port: upstream.port,
    method: incoming.method,
    path: incoming.url ?? '/',
    headers: { ...incoming.headers, host: upstream.host, ...headers },
    agent,
  };
}

/** Stops listening, drops the connections still open, and the agent's connections upstream. */
export async function closeProxy(server: Server, agent: Agent): Promise<void> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeAllConnections();
  agent.destroy();
  await closed;
}
