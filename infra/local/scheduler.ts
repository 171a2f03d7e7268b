import { randomUUID } from 'node:crypto';
import { sleep } from './abortable';
import type { FunctionInvoker } from './http-gateway';
import { FunctionInvocationError } from './lambda-runtime';
import { LOCAL_ACCOUNT_ID, LOCAL_REGION } from './provision';
import type { ScheduleRuleSpec } from './topology';

/**
 * EventBridge scheduled rules on one machine: every enabled `rate(...)` rule
 * fires its targets once per period, the first time one period after start,
 * with a scheduled event (or the target's constant Input). A rule never
 * overlaps itself: a tick that comes while its targets still run is skipped.
 * `cron(...)` rules are reported and not run.
 */

export interface ScheduledEvent {
  version: '0';
  id: string;
  'detail-type': 'Scheduled Event';
  source: 'aws.events';
  account: string;
  /** The scheduled time, to the second: `2026-11-25T21:00:00Z`. */
  time: string;
  region: string;
  resources: [string];
  detail: Record<string, never>;
}

export function scheduledEvent(options: { ruleArn: string; time: Date; region?: string; account?: string; id?: string }): ScheduledEvent {
  return {
    version: '0',
    id: options.id ?? randomUUID(),
    'detail-type': 'Scheduled Event',
    source: 'aws.events',
    account: options.account ?? LOCAL_ACCOUNT_ID,
    time: `${options.time.toISOString().slice(0, 19)}Z`,
    region: options.region ?? LOCAL_REGION,
    resources: [options.ruleArn],
    detail: {},
  };
}

export function ruleArn(ruleName: string, region = LOCAL_REGION, account = LOCAL_ACCOUNT_ID): string {
  return `arn:aws:events:${region}:${account}:rule/${ruleName}`;
}

/** The rule's period in milliseconds: the override when one is set, else its rate; undefined when it does not run locally. */
export function periodMs(rule: Pick<ScheduleRuleSpec, 'schedule' | 'enabled'>, overrideSeconds?: number): number | undefined {
  if (!rule.enabled || rule.schedule.kind !== 'rate') return undefined;
  return (overrideSeconds ?? rule.schedule.seconds) * 1000;
}

/**
 * When a rule fires next, given when it was due and when its targets finished:
 * the next tick of its period that is still ahead (ticks missed while the targets ran are skipped).
 */
export function nextDue(due: number, period: number, finishedAt: number): { due: number; skipped: number } {
  const next = due + period;
  if (next > finishedAt) return { due: next, skipped: 0 };
  const skipped = Math.floor((finishedAt - next) / period) + 1;
  return { due: next + skipped * period, skipped };
}

export interface SchedulerOptions {
  rules: readonly ScheduleRuleSpec[];
  functions: FunctionInvoker;
  /** Seconds replacing every rule's rate (LOCAL_SCHEDULE_SECONDS), for tests. */
  periodOverrideSeconds?: number;
  region?: string;
  account?: string;
  log?: (line: string) => void;
  now?: () => number;
}

export class Scheduler {
  private readonly abort = new AbortController();
  private running: Promise<void>[] = [];
  private readonly log: (line: string) => void;
  private readonly now: () => number;

  constructor(private readonly options: SchedulerOptions) {
    const override = options.periodOverrideSeconds;
    if (override !== undefined && !(Number.isFinite(override) && override > 0)) {
      throw new Error(`the schedule override must be a positive number of seconds, got ${override}`);
    }
    for (const rule of options.rules) {
      for (const target of rule.targets) {
        if (target.input !== undefined) parseInput(rule, target.id, target.input);
      }
    }
    this.log = options.log ?? (() => undefined);
    this.now = options.now ?? Date.now;
  }

  /** Starts every rule that runs locally; reports the others (cron, disabled) through `log`. */
  start(): void {
    if (this.running.length > 0 || this.abort.signal.aborted) return;
    for (const rule of this.options.rules) {
      const period = periodMs(rule, this.options.periodOverrideSeconds);
      if (period === undefined) {
        this.log(
          rule.enabled
            ? `[${rule.logicalId}] ${rule.expression} does not run locally (only rate(...) schedules do); invoke ${rule.targets.map((t) => t.functionLogicalId).join(', ')} yourself`
            : `[${rule.logicalId}] ${rule.expression} is DISABLED`,
        );
        continue;
      }
      this.running.push(this.runRule(rule, period));
    }
  }

  async stop(): Promise<void> {
    this.abort.abort();
    await Promise.all(this.running);
  }

  private async runRule(rule: ScheduleRuleSpec, period: number): Promise<void> {
    const { signal } = this.abort;
    const arn = ruleArn(rule.name, this.options.region, this.options.account);
    let due = this.now() + period;
    while (!signal.aborted) {
      await sleep(due - this.now(), signal);
      if (signal.aborted) return;
      await Promise.all(rule.targets.map((target) => this.fire(rule, target, arn, new Date(due))));
      const next = nextDue(due, period, this.now());
      if (next.skipped > 0) this.log(`[${rule.logicalId}] skipped ${next.skipped} tick(s): its targets were still running`);
      due = next.due;
    }
  }

  /** EventBridge invokes a Lambda target asynchronously: a failure is logged, nobody waits for it. */
  private async fire(rule: ScheduleRuleSpec, target: ScheduleRuleSpec['targets'][number], arn: string, time: Date): Promise<void> {
    const event =
      target.input === undefined
        ? scheduledEvent({ ruleArn: arn, time, region: this.options.region, account: this.options.account })
        : parseInput(rule, target.id, target.input);
    try {
      await this.options.functions.invoke(target.functionLogicalId, event);
    } catch (error) {
      if (this.abort.signal.aborted) return;
      const reason = error instanceof FunctionInvocationError ? `${error.errorType}: ${error.errorMessage}` : String(error);
      this.log(`[${rule.logicalId}] ${target.functionLogicalId} failed: ${reason}`);
    }
  }
}

function parseInput(rule: ScheduleRuleSpec, targetId: string, input: string): unknown {
  try {
    return JSON.parse(input) as unknown;
  } catch (error) {
    throw new Error(`${rule.logicalId} target ${targetId}: Input is not JSON`, { cause: error });
  }
}
