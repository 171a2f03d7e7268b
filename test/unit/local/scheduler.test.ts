import { FunctionInvocationError } from '../../../infra/local/lambda-runtime';
import { nextDue, periodMs, ruleArn, scheduledEvent, Scheduler } from '../../../infra/local/scheduler';
import type { ScheduleRuleSpec } from '../../../infra/local/topology';
import { eventually as retryUntil } from '../../helpers/eventually';

const eventually = (check: () => void, timeoutMs = 5_000) => retryUntil(check, timeoutMs, 10);

const rule = (overrides: Partial<ScheduleRuleSpec> = {}): ScheduleRuleSpec => ({
  logicalId: 'SweepRule',
  name: 'SweepRule',
  expression: 'rate(1 minute)',
  schedule: { kind: 'rate', seconds: 60 },
  enabled: true,
  targets: [{ id: 'Target0', functionLogicalId: 'Sweeper' }],
  ...overrides,
});

describe('Function: scheduledEvent', () => {
  it("is EventBridge's scheduled event: the rule as its resource, the scheduled time to the second, an empty detail", () => {
    const event = scheduledEvent({ ruleArn: ruleArn('SweepRule'), time: new Date('2026-11-25T08:01:00.250Z'), id: 'e-1' });

    expect(event).toEqual({
      version: '0',
      id: 'e-1',
      'detail-type': 'Scheduled Event',
      source: 'aws.events',
      account: '000000000000',
      time: '2026-11-25T08:01:00Z',
      region: 'us-east-1',
      resources: ['arn:aws:events:us-east-1:000000000000:rule/SweepRule'],
      detail: {},
    });
  });

  it('has a fresh id every time', () => {
    const time = new Date();

    expect(scheduledEvent({ ruleArn: 'r', time }).id).not.toBe(scheduledEvent({ ruleArn: 'r', time }).id);
  });
});

describe('Function: periodMs', () => {
  it("is the rule's rate, or the override for every rate", () => {
    expect(periodMs(rule())).toBe(60_000);
    expect(periodMs(rule({ schedule: { kind: 'rate', seconds: 3_600 } }), 2)).toBe(2_000);
  });

  it('is undefined for a cron rule and a disabled rule, override or not', () => {
    expect(periodMs(rule({ expression: 'cron(0 3 * * ? *)', schedule: { kind: 'cron', expression: '0 3 * * ? *' } }), 2)).toBeUndefined();
    expect(periodMs(rule({ enabled: false }), 2)).toBeUndefined();
  });
});

describe('Function: nextDue', () => {
  it('is one period later when the targets finished in time', () => {
    expect(nextDue(1_000, 500, 1_200)).toEqual({ due: 1_500, skipped: 0 });
  });

  it('skips the ticks that passed while the targets ran', () => {
    expect(nextDue(1_000, 500, 2_100)).toEqual({ due: 2_500, skipped: 2 });
    expect(nextDue(1_000, 500, 1_500)).toEqual({ due: 2_000, skipped: 1 });
  });
});

describe('Class: Scheduler', () => {
  let scheduler: Scheduler | undefined;

  afterEach(async () => {
    await scheduler?.stop();
    scheduler = undefined;
  });

  it('fires each target on the overridden period with a scheduled event, or its constant input', async () => {
    const calls: Array<{ name: string; event: any; at: number }> = [];
    const started = Date.now();
    scheduler = new Scheduler({
      rules: [rule({ targets: [{ id: 'T0', functionLogicalId: 'Sweeper' }, { id: 'T1', functionLogicalId: 'Reporter', input: '{"mode":"full"}' }] })],
      functions: { invoke: async (name, event) => void calls.push({ name, event, at: Date.now() - started }) },
      periodOverrideSeconds: 0.05,
    });

    scheduler.start();
    const sweeps = () => calls.filter((call) => call.name === 'Sweeper');
    await eventually(() => expect(sweeps().length).toBeGreaterThanOrEqual(2));
    await scheduler.stop();

    const [first, second] = sweeps();
    // The first tick is one period after start, as EventBridge's first is; then one a period.
    expect(first?.at).toBeGreaterThanOrEqual(45);
    expect((second?.at ?? 0) - (first?.at ?? 0)).toBeGreaterThanOrEqual(45);
    expect(first?.event).not.toEqual(second?.event);
    expect(first?.event).toMatchObject({ 'detail-type': 'Scheduled Event', source: 'aws.events', resources: [ruleArn('SweepRule')], detail: {} });
    expect(calls.filter((call) => call.name === 'Reporter').map((call) => call.event)).toContainEqual({ mode: 'full' });
  });

  it('never overlaps a rule with itself while its target is still running', async () => {
    let running = 0;
    let mostAtOnce = 0;
    let invocations = 0;
    scheduler = new Scheduler({
      rules: [rule()],
      functions: {
        invoke: async () => {
          invocations += 1;
          running += 1;
          mostAtOnce = Math.max(mostAtOnce, running);
          await new Promise((wake) => setTimeout(wake, 70));
          running -= 1;
        },
      },
      periodOverrideSeconds: 0.02,
    });

    scheduler.start();
    await eventually(() => expect(invocations).toBeGreaterThanOrEqual(3));
    await scheduler.stop();

    expect(mostAtOnce).toBe(1);
  });

  it('reports a failed target and keeps firing', async () => {
    const lines: string[] = [];
    let invocations = 0;
    scheduler = new Scheduler({
      rules: [rule()],
      functions: {
        invoke: async () => {
          invocations += 1;
          throw new FunctionInvocationError('Sweeper', 'Error', 'table missing');
        },
      },
      periodOverrideSeconds: 0.02,
      log: (line) => lines.push(line),
    });

    scheduler.start();

    await eventually(() => expect(invocations).toBeGreaterThanOrEqual(2));
    expect(lines).toContain('[SweepRule] Sweeper failed: Error: table missing');
  });

  it('reports cron and disabled rules and does not run them', async () => {
    const lines: string[] = [];
    const invoke = jest.fn(async () => undefined);
    scheduler = new Scheduler({
      rules: [
        rule({ logicalId: 'Nightly', expression: 'cron(0 3 * * ? *)', schedule: { kind: 'cron', expression: '0 3 * * ? *' } }),
        rule({ logicalId: 'Off', enabled: false }),
      ],
      functions: { invoke },
      periodOverrideSeconds: 0.01,
      log: (line) => lines.push(line),
    });

    scheduler.start();
    await new Promise((wake) => setTimeout(wake, 50));

    expect(invoke).not.toHaveBeenCalled();
    expect(lines).toEqual([
      '[Nightly] cron(0 3 * * ? *) does not run locally (only rate(...) schedules do); invoke Sweeper yourself',
      '[Off] rate(1 minute) is DISABLED',
    ]);
  });

  it('stops without waiting for the next tick', async () => {
    scheduler = new Scheduler({ rules: [rule()], functions: { invoke: async () => undefined } });
    scheduler.start();

    const stopping = Date.now();
    await scheduler.stop();

    expect(Date.now() - stopping).toBeLessThan(100);
  });

  it('refuses an override that is not a positive number of seconds', () => {
    expect(() => new Scheduler({ rules: [], functions: { invoke: async () => undefined }, periodOverrideSeconds: 0 })).toThrow(/positive number/);
  });
});
