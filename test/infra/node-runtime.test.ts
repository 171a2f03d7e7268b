import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Runtime } from 'aws-cdk-lib/aws-lambda';
import { PROJECT_ROOT } from '../../infra/cdk/ticketing-function';

/** Every place that says which Node runs the code must say the Lambda runtime's major version. */
const LAMBDA_MAJOR = Number(/^nodejs(\d+)\.x$/.exec(Runtime.NODEJS_22_X.name)?.[1]);

interface PackageJson {
  engines: { node: string };
  devDependencies: Record<string, string>;
}

const packageJson = JSON.parse(readFileSync(join(PROJECT_ROOT, 'package.json'), 'utf8')) as PackageJson;
const major = (version: string) => Number(/(\d+)/.exec(version)?.[1]);

describe('Node.js: the same major version as the functions on Lambda', () => {
  it('runs the tests on the Node pinned as a devDependency (npm scripts put node_modules/.bin first)', () => {
    expect(major(process.versions.node)).toBe(LAMBDA_MAJOR);
    expect(major(packageJson.devDependencies.node ?? '')).toBe(LAMBDA_MAJOR);
    expect(process.execPath).toContain(join('node_modules', 'node'));
  });

  it('asks for that major version in engines and types', () => {
    expect(packageJson.engines.node).toBe(`>=${LAMBDA_MAJOR}.0.0`);
    expect(major(packageJson.devDependencies['@types/node'] ?? '')).toBe(LAMBDA_MAJOR);
  });
});
