import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { consoleSourceHash } from '../../../infra/ops/console-build';

const root = mkdtempSync(join(tmpdir(), 'console-build-'));
const write = (path: string, content: string) => {
  mkdirSync(dirname(join(root, path)), { recursive: true });
  writeFileSync(join(root, path), content);
};

beforeAll(() => {
  write('web/index.html', '<div id="app"></div>');
  write('web/src/main.ts', 'start()');
  write('web/src/id-check.test.ts', 'test()');
  write('lib/orders/resident-id.ts', 'check()');
  write('lib/timetable/stations.ts', 'railwayDate()');
  write('package-lock.json', '{}');
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('Function: consoleSourceHash', () => {
  it('changes with a source of the console or a shared module it bundles, and only then', () => {
    const first = consoleSourceHash(root);
    expect(consoleSourceHash(root)).toBe(first);

    write('web/src/id-check.test.ts', 'test() // another test');
    expect(consoleSourceHash(root)).toBe(first);

    write('web/src/main.ts', 'start() // changed');
    const second = consoleSourceHash(root);
    expect(second).not.toBe(first);

    write('lib/orders/resident-id.ts', 'check() // changed');
    expect(consoleSourceHash(root)).not.toBe(second);
  });
});
