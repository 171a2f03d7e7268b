import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../infra/cdk/ticketing-function';
import { useLocalCloud } from '../helpers/local-cloud';

/** The shell blocks of the README's "Try it" section, in order, as a newcomer pastes them. */
function tryItScript(readme: string): string {
  const section = /^## Try it\n([\s\S]*?)^## /m.exec(readme)?.[1] ?? '';
  return [...section.matchAll(/```bash\n([\s\S]*?)```/g)].map((match) => match[1]).join('\n');
}

describe('README: "Try it", line by line, against npm start -- --memory', () => {
  const cloud = useLocalCloud();

  it('runs every example to the end, each request answered without an error status', () => {
    // Prepare
    const script = tryItScript(readFileSync(join(PROJECT_ROOT, 'README.md'), 'utf8'));
    expect(script).toContain('API=http://localhost:3000');
    const prelude = [
      'set -euo pipefail',
      // Every request of the examples must succeed: an error status stops the script, its body shown.
      'curl() { command curl --fail-with-body "$@"; }',
      // The examples' own defaults, as a newcomer's shell has them.
      'unset PAYMENT_WEBHOOK_SECRET',
    ].join('\n');

    // Act
    const run = spawnSync('timeout', ['180', 'bash', '-c', `${prelude}\n${script.replace('API=http://localhost:3000', `API=${cloud().url}`)}`], {
      cwd: PROJECT_ROOT,
      encoding: 'utf8',
      env: { ...process.env, PAYMENT_WEBHOOK_SECRET: '' },
    });

    // Assess
    expect({ status: run.status, stderr: run.stderr }).toEqual({ status: 0, stderr: '' });
    expect(run.stdout).toMatch(/"status":"CANCELLED"/);
    expect(run.stdout).toMatch(/"ticketNo"/);
    // The signed callback, last: answered 200 PAID (a wrong secret would answer 401 and stop the script).
    expect(run.stdout.trim()).toMatch(/\{"orderId":"[^"]+","status":"PAID"\}$/);
  }, 240_000);
});
