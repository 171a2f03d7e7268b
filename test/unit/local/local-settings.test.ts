import {
  clientEnvironmentLines,
  DEV_WEBHOOK_SECRET,
  localCloudSettings,
  parseClientEnvironment,
  withQueueVisibilityTimeout,
} from '../../../infra/local/local-settings';
import type { LocalTopology, QueueSpec } from '../../../infra/local/topology';

const DATA = '/project/.data';

describe('Function: localCloudSettings', () => {
  it('defaults to port 3000, the data directory, the demo timetable, the dev webhook secret and function logs of WARN and above', () => {
    expect(localCloudSettings([], {}, DATA)).toEqual({
      port: 3000,
      dataDir: DATA,
      seed: true,
      scheduleSeconds: undefined,
      queueVisibilitySeconds: undefined,
      maxConcurrency: undefined,
      meter: false,
      env: { PAYMENT_WEBHOOK_SECRET: DEV_WEBHOOK_SECRET, POWERTOOLS_LOG_LEVEL: 'WARN' },
    });
  });

  it('passes HOLD_TTL_SECONDS and TICKET_ISSUER_FAIL on as local overrides', () => {
    const settings = localCloudSettings([], { HOLD_TTL_SECONDS: '5', TICKET_ISSUER_FAIL: 'always', PAYMENT_WEBHOOK_SECRET: 'a-secret-of-sixteen+' }, DATA);

    expect(settings.env).toEqual({ PAYMENT_WEBHOOK_SECRET: 'a-secret-of-sixteen+', POWERTOOLS_LOG_LEVEL: 'WARN', HOLD_TTL_SECONDS: '5', TICKET_ISSUER_FAIL: 'always' });
  });

  it('sets the functions’ log level from LOCAL_LOG_LEVEL, and refuses one Powertools does not know', () => {
    expect(localCloudSettings([], { LOCAL_LOG_LEVEL: 'info' }, DATA).env.POWERTOOLS_LOG_LEVEL).toBe('INFO');
    expect(() => localCloudSettings([], { LOCAL_LOG_LEVEL: 'LOUD' }, DATA)).toThrow('LOCAL_LOG_LEVEL must be one of');
  });

  it('passes the per-user limits on as local overrides', () => {
    const settings = localCloudSettings([], { MAX_UNPAID_ORDERS: '10', MAX_CANCELLATIONS_PER_DAY: '50' }, DATA);

    expect(settings.env).toMatchObject({ MAX_UNPAID_ORDERS: '10', MAX_CANCELLATIONS_PER_DAY: '50' });
  });

  it('refuses a TICKET_ISSUER_FAIL the issuer would not start with', () => {
    expect(() => localCloudSettings([], { TICKET_ISSUER_FAIL: 'sometimes' }, DATA)).toThrow('TICKET_ISSUER_FAIL must be one of never, always, got sometimes');
  });

  it('reads LOCAL_QUEUE_VISIBILITY_SECONDS and LOCAL_SCHEDULE_SECONDS, which are not function variables', () => {
    const settings = localCloudSettings([], { LOCAL_QUEUE_VISIBILITY_SECONDS: '1', LOCAL_SCHEDULE_SECONDS: '2' }, DATA);

    expect(settings).toMatchObject({ queueVisibilitySeconds: 1, scheduleSeconds: 2 });
    expect(Object.keys(settings.env)).toEqual(['PAYMENT_WEBHOOK_SECRET', 'POWERTOOLS_LOG_LEVEL']);
  });

  it.each(['0', '-1', '1.5', 'soon', '43201'])('refuses LOCAL_QUEUE_VISIBILITY_SECONDS=%s', (value) => {
    expect(() => localCloudSettings([], { LOCAL_QUEUE_VISIBILITY_SECONDS: value }, DATA)).toThrow(`LOCAL_QUEUE_VISIBILITY_SECONDS must be a whole number of seconds from 1 to 43200, got ${value}`);
  });

  it('reads LOCAL_MAX_CONCURRENCY, the bound on execution environments', () => {
    expect(localCloudSettings([], { LOCAL_MAX_CONCURRENCY: '100' }, DATA).maxConcurrency).toBe(100);
  });

  it.each(['0', '-4', '2.5', 'many', '1001'])('refuses LOCAL_MAX_CONCURRENCY=%s', (value) => {
    expect(() => localCloudSettings([], { LOCAL_MAX_CONCURRENCY: value }, DATA)).toThrow(
      `LOCAL_MAX_CONCURRENCY must be a whole number of concurrent invocations from 1 to 1000, got ${value}`,
    );
  });

  it('meters the calls to the emulators with LOCAL_METER=1 or true, and refuses other values', () => {
    expect(localCloudSettings([], { LOCAL_METER: '1' }, DATA).meter).toBe(true);
    expect(localCloudSettings([], { LOCAL_METER: 'true' }, DATA).meter).toBe(true);
    expect(localCloudSettings([], { LOCAL_METER: '0' }, DATA).meter).toBe(false);
    expect(() => localCloudSettings([], { LOCAL_METER: 'yes' }, DATA)).toThrow('LOCAL_METER must be one of 0, 1, false, true, got yes');
  });

  it('reads LOCAL_CPU_PROFILE_DIR, where the execution environments write CPU profiles; none by default', () => {
    expect(localCloudSettings([], { LOCAL_CPU_PROFILE_DIR: '/tmp/profiles' }, DATA).cpuProfileDir).toBe('/tmp/profiles');
    expect(localCloudSettings([], {}, DATA).cpuProfileDir).toBeUndefined();
  });

  it('keeps no data with --memory, seeds nothing with --no-seed, and refuses other options', () => {
    expect(localCloudSettings(['--memory', '--no-seed'], { DATA_DIR: '/elsewhere' }, DATA)).toMatchObject({ dataDir: undefined, seed: false });
    expect(localCloudSettings([], { DATA_DIR: '/elsewhere' }, DATA).dataDir).toBe('/elsewhere');
    expect(() => localCloudSettings(['--fast'], {}, DATA)).toThrow('unknown option --fast');
  });

  it('refuses a PORT that is not a port number', () => {
    expect(() => localCloudSettings([], { PORT: '70000' }, DATA)).toThrow('PORT must be a port number, got 70000');
  });
});

describe('Function: withQueueVisibilityTimeout', () => {
  const queue = (name: string, visibilityTimeout: number, redrive?: QueueSpec['redrive']): QueueSpec => ({
    logicalId: name,
    name,
    fifo: false,
    contentBasedDeduplication: false,
    visibilityTimeout,
    messageRetentionPeriod: 1_209_600,
    ...(redrive ? { redrive } : {}),
  });
  const topology: LocalTopology = {
    tables: [],
    streams: [],
    queues: [queue('outbox', 180, { deadLetterQueueLogicalId: 'outboxDlq', maxReceiveCount: 5 }), queue('outboxDlq', 30)],
    functions: [],
    routes: [],
    eventSourceMappings: [],
    schedules: [],
  };

  it('gives every queue the override and keeps the rest of each queue, redrive policy included', () => {
    const overridden = withQueueVisibilityTimeout(topology, 1);

    expect(overridden.queues).toEqual([
      { ...topology.queues[0], visibilityTimeout: 1 },
      { ...topology.queues[1], visibilityTimeout: 1 },
    ]);
    expect(topology.queues.map((q) => q.visibilityTimeout)).toEqual([180, 30]);
  });

  it('returns the topology as it is without an override', () => {
    expect(withQueueVisibilityTimeout(topology, undefined)).toBe(topology);
  });
});

describe('Functions: clientEnvironmentLines and parseClientEnvironment', () => {
  const env = {
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    AWS_ENDPOINT_URL_DYNAMODB: 'http://127.0.0.1:4001',
    AWS_ENDPOINT_URL_DYNAMODB_STREAMS: 'http://127.0.0.1:4001',
    AWS_ENDPOINT_URL_KINESIS: 'http://127.0.0.1:4002',
    AWS_ENDPOINT_URL_SQS: 'http://127.0.0.1:4003',
  };

  it('prints the SQS endpoint first, as shell exports', () => {
    const lines = clientEnvironmentLines(env);

    expect(lines[0]).toBe('export AWS_ENDPOINT_URL_SQS=http://127.0.0.1:4003');
    expect(lines).toHaveLength(7);
  });

  it('reads back what it printed, among other output', () => {
    const output = ['Local cloud listening on http://127.0.0.1:3000', ...clientEnvironmentLines(env).map((line) => `  ${line}`), '{"level":"INFO"}'].join('\n');

    expect(parseClientEnvironment(output)).toEqual(env);
  });

  it('ignores variables that do not point a client at the emulators', () => {
    expect(parseClientEnvironment('export AWS_PROFILE=prod\nexport PATH=/bin\n')).toEqual({});
  });
});
