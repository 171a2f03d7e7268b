type Clients = typeof import('../../../lib/aws/clients');

/** The SDK clients of lib/aws/clients.ts, built afresh under the given environment. */
function clientsUnder(env: Record<string, string | undefined>): Clients {
  const saved = { ...process.env };
  Object.assign(process.env, env);
  for (const [key, value] of Object.entries(env)) if (value === undefined) delete process.env[key];
  try {
    let clients: Clients | undefined;
    jest.isolateModules(() => {
      clients = jest.requireActual<Clients>('../../../lib/aws/clients');
    });
    return clients as Clients;
  } finally {
    process.env = saved;
  }
}

const middlewareNames = (client: { middlewareStack: { identify(): string[] } }) => client.middlewareStack.identify().join(' ');

describe('Module: clients', () => {
  it('traces every SDK call with X-Ray inside Lambda', () => {
    const clients = clientsUnder({ AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs22.x', POWERTOOLS_TRACE_ENABLED: undefined });

    expect(middlewareNames(clients.sqs())).toMatch(/XRaySDKInstrumentation/);
    expect(middlewareNames(clients.kinesis())).toMatch(/XRaySDKInstrumentation/);
    expect(middlewareNames(clients.dynamoDocumentClient())).toMatch(/XRaySDKInstrumentation/);
  });

  it('leaves the clients untouched where there is no X-Ray daemon: outside Lambda, or with POWERTOOLS_TRACE_ENABLED=false as the local cloud sets', () => {
    for (const env of [{ AWS_EXECUTION_ENV: undefined }, { AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs22.x', POWERTOOLS_TRACE_ENABLED: 'false' }]) {
      const clients = clientsUnder(env);

      expect(middlewareNames(clients.sqs())).not.toMatch(/XRay/);
      expect(middlewareNames(clients.dynamoDocumentClient())).not.toMatch(/XRay/);
    }
  });
});
