import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';

/** CPU milliseconds used so far by the processes of one process group, by what they are. */
export type ProcessCpu = Record<ProcessKind, number>;
export type ProcessKind = 'local cloud' | 'DynamoDB Local' | 'Kinesis emulator';

const KINDS: ReadonlyArray<[ProcessKind, (commandLine: string) => boolean]> = [
  ['DynamoDB Local', (commandLine) => commandLine.includes('DynamoDBLocal')],
  ['Kinesis emulator', (commandLine) => commandLine.includes('kinesis-local')],
  // The runner: the HTTP gateway, the pollers, the meters, fauxqs and every function's worker threads.
  ['local cloud', () => true],
];

/**
 * The user + system CPU time of every process in the group, from /proc (Linux);
 * undefined elsewhere. Processes that ended meanwhile are not counted, so only
 * differences between two readings of long-lived processes mean anything.
 */
export function processCpu(processGroup: number): ProcessCpu | undefined {
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((name) => /^\d+$/.test(name));
  } catch {
    return undefined;
  }
  const ticksPerSecond = clockTicks();
  const cpu: ProcessCpu = { 'local cloud': 0, 'DynamoDB Local': 0, 'Kinesis emulator': 0 };
  for (const pid of pids) {
    try {
      // Fields after the command name: state ppid pgrp … utime (14th of the line) stime (15th).
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
      if (Number(fields[2]) !== processGroup) continue;
      const commandLine = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
      const kind = KINDS.find(([, matches]) => matches(commandLine))?.[0] ?? 'local cloud';
      cpu[kind] += ((Number(fields[11]) + Number(fields[12])) * 1000) / ticksPerSecond;
    } catch {
      // It ended between the listing and the read.
    }
  }
  return cpu;
}

/** CPU milliseconds per unit of work between two readings, by process kind, and their sum. */
export function cpuPerUnit(before: ProcessCpu | undefined, after: ProcessCpu | undefined, units: number): { byKind: Record<ProcessKind, number>; total: number } | undefined {
  if (!before || !after || units === 0) return undefined;
  const byKind = Object.fromEntries((Object.keys(after) as ProcessKind[]).map((kind) => [kind, (after[kind] - before[kind]) / units])) as Record<ProcessKind, number>;
  return { byKind, total: Object.values(byKind).reduce((sum, ms) => sum + ms, 0) };
}

/** How many units per second the machine's cores could do at `msPerUnit` of CPU each, if they did nothing else. */
export const ceilingPerSecond = (msPerUnit: number): number => (availableParallelism() * 1000) / msPerUnit;

let ticks: number | undefined;
function clockTicks(): number {
  if (ticks === undefined) {
    try {
      ticks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      ticks = 100;
    }
  }
  return ticks;
}
