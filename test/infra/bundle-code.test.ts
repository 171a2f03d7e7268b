import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildSync } from 'esbuild';
import { BUNDLE_CODE, PROJECT_ROOT } from '../../infra/cdk/ticketing-function';

/** Bundles an entry that throws the project's errors, as a function's code is bundled, and reports what each error calls itself. */
function errorNamesInBundle(options: { keepNames: boolean }): Record<string, string> {
  const dir = mkdtempSync(join(tmpdir(), 'bundle-code-'));
  try {
    const entry = join(dir, 'entry.ts');
    writeFileSync(
      entry,
      `import { TicketJobOrderMissingError } from '${join(PROJECT_ROOT, 'lib/tickets/errors')}';
       import { NotFoundError } from '${join(PROJECT_ROOT, 'lib/domain-error')}';
       import { MalformedOrderEventRecordError } from '${join(PROJECT_ROOT, 'lib/views/errors')}';
       export const names = () => Object.fromEntries([new TicketJobOrderMissingError('x'), new NotFoundError('x'), new MalformedOrderEventRecordError('x')].map((e, i) => [String(i), e.name]));`,
    );
    const { outputFiles } = buildSync({ entryPoints: [entry], bundle: true, platform: 'node', format: 'cjs', write: false, ...BUNDLE_CODE, keepNames: options.keepNames });
    const module = { exports: {} as { names?: () => Record<string, string> } };
    new Function('module', 'exports', 'require', outputFiles[0]?.text ?? '')(module, module.exports, require);
    return module.exports.names?.() ?? {};
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('Bundling: BUNDLE_CODE', () => {
  it('minifies and keeps names, so a bundled error logs under its class name', () => {
    expect(BUNDLE_CODE).toMatchObject({ minify: true, keepNames: true });
    expect(errorNamesInBundle({ keepNames: BUNDLE_CODE.keepNames })).toEqual({ 0: 'TicketJobOrderMissingError', 1: 'NotFoundError', 2: 'MalformedOrderEventRecordError' });
  });

  it('would name the errors after minified identifiers without keepNames (what the test above guards against)', () => {
    expect(Object.values(errorNamesInBundle({ keepNames: false }))).not.toContain('TicketJobOrderMissingError');
  });
});
