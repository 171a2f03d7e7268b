import { runAllocatorBench } from './allocator-bench';
import type { BenchRow } from './bench-row';
import { runCostBench } from './cost-bench';
import { runHotTrainBench } from './hot-train-bench';
import { runLedgerBench } from './ledger-bench';
import { runOrdersBench } from './orders-bench';
import { runTicketsBench } from './tickets-bench';
import { runWaitlistBench } from './waitlist-bench';

/**
 * `npm run bench`: the quick benchmarks, printed as one table; `npm run bench -- <name>…`
 * runs the ones named. The local-cloud benchmarks (`hot-train`, `cost`) start the whole
 * local cloud and take minutes, so they run only when named. Figures, never pass/fail.
 */
async function main(): Promise<void> {
  // The bench's own SDK clients would print the SDK's Node 22 notice; the local cloud's are set likewise.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const only = process.argv.slice(2);
  const benches: [string, () => Promise<BenchRow[]>, { onRequest?: boolean }][] = [
    ['allocator', runAllocatorBench, {}],
    ['ledger', runLedgerBench, {}],
    ['orders', runOrdersBench, {}],
    ['tickets', runTicketsBench, {}],
    ['waitlist', runWaitlistBench, {}],
    ['hot-train', runHotTrainBench, { onRequest: true }],
    ['cost', runCostBench, { onRequest: true }],
  ];
  const unknown = only.filter((name) => !benches.some(([known]) => known === name));
  if (unknown.length > 0) throw new Error(`no benchmark named ${unknown.join(', ')}; choose from ${benches.map(([name]) => name).join(', ')}`);
  const rows: BenchRow[] = [];
  for (const [name, run, { onRequest }] of benches) {
    if (only.length > 0 ? !only.includes(name) : onRequest) continue;
    process.stderr.write(`running ${name} benchmark…\n`);
    rows.push(...(await run()));
  }
  printTable(rows);
}

function printTable(rows: BenchRow[]): void {
  const header = ['section', 'metric', 'value', 'target'];
  const cells = rows.map((r) => [r.section, r.metric, r.value, r.target ?? '']);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => (c[i] ?? '').length)));
  const line = (c: string[]) => `| ${c.map((v, i) => v.padEnd(widths[i] ?? 0)).join(' | ')} |`;
  console.log([line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...cells.map(line)].join('\n'));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
