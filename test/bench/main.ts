import { runAllocatorBench } from './allocator-bench';
import type { BenchRow } from './bench-row';
import { runLedgerBench } from './ledger-bench';
import { runOrdersBench } from './orders-bench';
import { runTicketsBench } from './tickets-bench';

/** `npm run bench`: every benchmark, printed as one table. Figures, never pass/fail. */
async function main(): Promise<void> {
  const only = process.argv.slice(2);
  const benches: [string, () => Promise<BenchRow[]>][] = [
    ['allocator', runAllocatorBench],
    ['ledger', runLedgerBench],
    ['orders', runOrdersBench],
    ['tickets', runTicketsBench],
  ];
  const rows: BenchRow[] = [];
  for (const [name, run] of benches) {
    if (only.length > 0 && !only.includes(name)) continue;
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
