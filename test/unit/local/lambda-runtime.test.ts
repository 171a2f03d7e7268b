import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConcurrencyConfigurationError, LambdaRuntime, type FunctionMetrics, type LambdaFunctionDefinition } from '../../../infra/local/lambda-runtime';
import { eventually } from '../../helpers/eventually';

/**
 * A handler that says which execution environment served it and waits until the
 * file named by `event.gate` exists, so that a test holds invocations open at will.
 */
const GATED_HANDLER = `
const { existsSync } = require('node:fs');
const { randomUUID } = require('node:crypto');
const environmentId = randomUUID();
let served = 0;
exports.handler = async (event) => {
  served++;
  if (event.log) console.log(event.log);
  while (event.gate && !existsSync(event.gate)) await new Promise((wake) => setTimeout(wake, 5));
  return { environmentId, served };
};
`;

interface Served {
  environmentId: string;
  served: number;
}

/** Cold starts take up to a second or so on a busy 2-core machine. */
const WAIT_MS = 10_000;
const POLL_MS = 20;

let codeDir: string;
let gateCount = 0;
const runtimes: LambdaRuntime[] = [];

beforeAll(() => {
  codeDir = mkdtempSync(join(tmpdir(), 'lambda-runtime-'));
  writeFileSync(join(codeDir, 'index.js'), GATED_HANDLER);
});

afterEach(async () => {
  await Promise.all(runtimes.splice(0).map((runtime) => runtime.stop()));
});

afterAll(() => {
  rmSync(codeDir, { recursive: true, force: true });
});

function definition(name: string, extra: Partial<LambdaFunctionDefinition> = {}): LambdaFunctionDefinition {
  return { name, codeDir, handler: 'index.handler', environment: {}, timeoutSeconds: 30, memorySize: 128, ...extra };
}

function runtimeOf(definitions: LambdaFunctionDefinition[], options: ConstructorParameters<typeof LambdaRuntime>[1]): LambdaRuntime {
  const runtime = new LambdaRuntime(definitions, options);
  runtimes.push(runtime);
  return runtime;
}

/** A closed gate: invocations given it wait until open() is called. */
function gate(): { path: string; open(): void } {
  const path = join(codeDir, `gate-${++gateCount}`);
  return { path, open: () => writeFileSync(path, '') };
}

function metricsOf(runtime: LambdaRuntime, name: string): FunctionMetrics {
  const metrics = runtime.metrics().find((candidate) => candidate.name === name);
  if (!metrics) throw new Error(`no metrics for ${name}`);
  return metrics;
}

function invokeMany(runtime: LambdaRuntime, name: string, count: number, event: unknown): Promise<Served[]> {
  return Promise.all(Array.from({ length: count }, () => runtime.invoke(name, event) as Promise<Served>));
}

const distinct = (served: Served[]) => new Set(served.map((s) => s.environmentId)).size;

describe('Class: LambdaRuntime', () => {
  describe('Method: invoke', () => {
    it('starts one environment per concurrent invocation, up to the limit', async () => {
      const runtime = runtimeOf([definition('Fn')], { maxConcurrency: 3 });
      const { path, open } = gate();

      const results = invokeMany(runtime, 'Fn', 3, { gate: path });
      await eventually(() => expect(metricsOf(runtime, 'Fn').running).toBe(3), WAIT_MS, POLL_MS);
      open();

      expect(distinct(await results)).toBe(3);
      expect(metricsOf(runtime, 'Fn')).toMatchObject({ invocations: 3, coldStarts: 3, environments: 3, peakRunning: 3 });
    });

    it('queues invocations past the limit and serves them as environments free up', async () => {
      const runtime = runtimeOf([definition('Fn')], { maxConcurrency: 2 });
      const { path, open } = gate();

      const results = invokeMany(runtime, 'Fn', 5, { gate: path });
      await eventually(() => expect(metricsOf(runtime, 'Fn').running).toBe(2), WAIT_MS, POLL_MS);
      await new Promise((wake) => setTimeout(wake, 200));
      expect(metricsOf(runtime, 'Fn')).toMatchObject({ running: 2, environments: 2, coldStarts: 2 });
      open();

      const served = await results;
      expect(served).toHaveLength(5);
      expect(distinct(served)).toBe(2);
      expect(metricsOf(runtime, 'Fn')).toMatchObject({ invocations: 5, coldStarts: 2, peakRunning: 2, queued: 3 });
    });

    it('reuses an idle environment rather than starting another', async () => {
      const runtime = runtimeOf([definition('Fn')], { maxConcurrency: 4 });

      const served: Served[] = [];
      for (let i = 0; i < 3; i++) served.push((await runtime.invoke('Fn', {})) as Served);

      expect(distinct(served)).toBe(1);
      expect(served.map((s) => s.served)).toEqual([1, 2, 3]);
      expect(metricsOf(runtime, 'Fn')).toMatchObject({ coldStarts: 1, environments: 1 });
    });

    it('counts what the environments log, as CloudWatch Logs would ingest it', async () => {
      const runtime = runtimeOf([definition('Fn')], { maxConcurrency: 1 });

      await runtime.invoke('Fn', { log: 'x'.repeat(99) });

      await eventually(() => expect(metricsOf(runtime, 'Fn').logBytes).toBe(100), WAIT_MS, POLL_MS);
    });

    it('counts busy environments against the bound, not idle ones: a warm environment of every function leaves the bound to the busy', async () => {
      const runtime = runtimeOf([definition('A'), definition('B'), definition('C')], { maxConcurrency: 2 });
      await runtime.initialize();
      const { path, open } = gate();

      const results = invokeMany(runtime, 'A', 2, { gate: path });
      await eventually(() => expect(metricsOf(runtime, 'A').running).toBe(2), WAIT_MS, POLL_MS);

      // Each function keeps its warm environment; A runs two at once, the bound.
      expect(runtime.metrics().map(({ name, environments }) => [name, environments])).toEqual([['A', 2], ['B', 1], ['C', 1]]);
      open();
      await results;
    });

    it('shuts an environment down once it has been idle for the idle timeout', async () => {
      const runtime = runtimeOf([definition('Fn')], { maxConcurrency: 4, idleTimeoutMs: 100 });

      const first = (await runtime.invoke('Fn', {})) as Served;
      await eventually(() => expect(metricsOf(runtime, 'Fn').environments).toBe(0), WAIT_MS, POLL_MS);
      const second = (await runtime.invoke('Fn', {})) as Served;

      expect(second.environmentId).not.toBe(first.environmentId);
      expect(metricsOf(runtime, 'Fn')).toMatchObject({ coldStarts: 2, environments: 1 });
    });

    it('makes room in memory for another function by shutting down the longest-idle environment', async () => {
      const runtime = runtimeOf([definition('A'), definition('B')], { maxConcurrency: 2, maxEnvironments: 2 });
      const { path, open } = gate();
      await runtime.invoke('A', {});

      const results = invokeMany(runtime, 'B', 2, { gate: path });
      await eventually(() => expect(metricsOf(runtime, 'B').running).toBe(2), WAIT_MS, POLL_MS);
      expect(metricsOf(runtime, 'A').environments).toBe(0);
      open();

      expect(distinct(await results)).toBe(2);
    });

    it('gives room to a function with fewer busy environments before the backlog of a busier one', async () => {
      const runtime = runtimeOf([definition('Flooded'), definition('Occasional')], { maxConcurrency: 2 });
      const first = gate();
      const rest = gate();
      const flooded = [
        runtime.invoke('Flooded', { gate: first.path }),
        runtime.invoke('Flooded', { gate: rest.path }),
        ...Array.from({ length: 3 }, () => runtime.invoke('Flooded', { gate: rest.path })),
      ];
      await eventually(() => expect(metricsOf(runtime, 'Flooded').running).toBe(2), WAIT_MS, POLL_MS);
      const occasional = runtime.invoke('Occasional', {});

      first.open();
      // Served while three invocations of Flooded that came first still wait for the slot it took.
      await occasional;

      expect(metricsOf(runtime, 'Occasional')).toMatchObject({ invocations: 1 });
      expect(metricsOf(runtime, 'Flooded').running).toBeLessThanOrEqual(2);
      rest.open();
      await Promise.all(flooded);
    });

    it('runs a function with reserved concurrency at most that many at once, in room the others cannot take', async () => {
      const runtime = runtimeOf([definition('Reserved', { reservedConcurrency: 1 }), definition('Other')], { maxConcurrency: 3 });
      const { path, open } = gate();

      const reserved = invokeMany(runtime, 'Reserved', 2, { gate: path });
      const others = invokeMany(runtime, 'Other', 3, { gate: path });
      await eventually(() => {
        expect(metricsOf(runtime, 'Reserved').running).toBe(1);
        expect(metricsOf(runtime, 'Other').running).toBe(2);
      }, WAIT_MS, POLL_MS);
      await new Promise((wake) => setTimeout(wake, 200));
      expect(metricsOf(runtime, 'Reserved')).toMatchObject({ running: 1, concurrencyLimit: 1 });
      expect(metricsOf(runtime, 'Other')).toMatchObject({ running: 2, concurrencyLimit: 2 });
      open();

      expect(distinct(await reserved)).toBe(1);
      expect(distinct(await others)).toBe(2);
    });
  });

  describe('Option: cpuProfileDir', () => {
    it('has every environment write a V8 CPU profile of its function when it ends', async () => {
      // Arrange
      const profiles = mkdtempSync(join(tmpdir(), 'lambda-profiles-'));
      try {
        const runtime = new LambdaRuntime([definition('Profiled')], { cpuProfileDir: profiles });
        await runtime.invoke('Profiled', {});

        // Act
        await runtime.stop();

        // Assess
        const written = readdirSync(profiles).filter((name) => name.endsWith('.cpuprofile'));
        expect(written).toHaveLength(1);
        const profile = JSON.parse(readFileSync(join(profiles, written[0] as string), 'utf8')) as { nodes: Array<{ callFrame: { url: string } }> };
        expect(profile.nodes.some((node) => node.callFrame.url.endsWith(join(codeDir, 'index.js')))).toBe(true);
      } finally {
        rmSync(profiles, { recursive: true, force: true });
      }
    });
  });

  describe('Option: compileCacheDir', () => {
    it('keeps V8’s compiled code of the bundle there for the next cold start', async () => {
      // Arrange
      const cache = mkdtempSync(join(tmpdir(), 'lambda-compile-cache-'));
      try {
        const runtime = new LambdaRuntime([definition('Cached')], { compileCacheDir: cache });

        // Act
        await runtime.invoke('Cached', {});
        await runtime.stop();

        // Assess
        expect(readdirSync(cache, { recursive: true }).length).toBeGreaterThan(0);
      } finally {
        rmSync(cache, { recursive: true, force: true });
      }
    });
  });

  describe('constructor', () => {
    it('refuses reservations that leave nothing for the functions without one', () => {
      expect(() => new LambdaRuntime([definition('Reserved', { reservedConcurrency: 4 }), definition('Other')], { maxConcurrency: 4 })).toThrow(
        new ConcurrencyConfigurationError(
          'the functions reserve 4 concurrent executions, which leaves too few of 4 for the others: set LOCAL_MAX_CONCURRENCY to at least 5',
        ),
      );
    });

    it('refuses a limit that is not a whole number of at least 1', () => {
      expect(() => new LambdaRuntime([definition('Fn')], { maxConcurrency: 0 })).toThrow(ConcurrencyConfigurationError);
      expect(() => new LambdaRuntime([definition('Fn')], { maxConcurrency: 2.5 })).toThrow(ConcurrencyConfigurationError);
    });
  });
});
