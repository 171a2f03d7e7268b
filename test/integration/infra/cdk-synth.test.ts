import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

const ROOT = resolve(__dirname, '..', '..', '..');
const run = promisify(execFile);

/**
 * The CDK CLI as an operator runs it, on a machine with no AWS configuration at
 * all: no credentials, no profile, no config files, no instance metadata. The
 * synth must not need the network, and it must pass the cdk-nag checks.
 */
describe('CLI: cdk synth', () => {
  let home: string;
  let template: { Resources: Record<string, { Type: string; Properties: Record<string, unknown>; Metadata?: Record<string, unknown> }> };
  let outdir: string;

  beforeAll(async () => {
    home = mkdtempSync(join(tmpdir(), 'ticketing-synth-'));
    outdir = join(home, 'cdk.out');
    const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('AWS_') && !key.startsWith('CDK_')));
    await run(join(ROOT, 'node_modules', '.bin', 'cdk'), ['synth', '--quiet', '-c', 'nag=true', '-c', 'stage=prod', '-o', outdir], {
      cwd: ROOT,
      env: {
        ...env,
        HOME: home,
        AWS_CONFIG_FILE: join(home, 'no-config'),
        AWS_SHARED_CREDENTIALS_FILE: join(home, 'no-credentials'),
        AWS_EC2_METADATA_DISABLED: 'true',
        CDK_DISABLE_CLI_TELEMETRY: 'true',
      },
      timeout: 240_000,
    });
    template = JSON.parse(readFileSync(join(outdir, 'Ticketing-prod.template.json'), 'utf8')) as typeof template;
  }, 300_000);

  afterAll(() => rmSync(home, { recursive: true, force: true }));

  it('synthesizes the production stage offline, with no AWS configuration, and with cdk-nag enforced', () => {
    expect(Object.values(template.Resources).filter((resource) => resource.Type === 'AWS::Lambda::Function').length).toBeGreaterThanOrEqual(20);
  });

  it('bundles every function of ours into a self-contained script with its source map', () => {
    // Ours run on Node.js; CDK's own BucketDeployment handler (which copies the console to S3) is Python.
    const functions = Object.values(template.Resources).filter((resource) => resource.Type === 'AWS::Lambda::Function' && String(resource.Properties?.Runtime).startsWith('nodejs'));
    expect(functions.length).toBeGreaterThanOrEqual(20);

    for (const fn of functions) {
      const assetDir = join(outdir, String(fn.Metadata?.['aws:asset:path']));
      expect(existsSync(join(assetDir, 'index.js'))).toBe(true);
      expect(existsSync(join(assetDir, 'index.js.map'))).toBe(true);
    }
  });
});
