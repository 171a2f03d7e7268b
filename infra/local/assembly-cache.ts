import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { PROJECT_ROOT } from '../cdk/ticketing-function';
import type { CloudFormationTemplate, SynthesizedApp } from './topology';

/** What a synthesized, bundled assembly is made from: a change to any of these synthesizes again. */
const INPUT_DIRECTORIES = ['functions', 'lib', 'infra/cdk'];
const INPUT_FILES = ['package-lock.json', 'tsconfig.json', 'cdk.json'];
const CACHE_ROOT = join(PROJECT_ROOT, 'node_modules', '.cache', 'ticketing-local');
/** V8's compiled code of the function bundles, kept between cold starts and runs (Node checks each entry against its source). */
export const COMPILE_CACHE_DIR = join(CACHE_ROOT, 'compile-cache');

/**
 * Bundling every function takes most of a local start (esbuild runs once per
 * function, one after another). The assembly depends only on the sources, so it
 * is kept under node_modules/.cache keyed by a digest of them and reused while
 * they are unchanged; the newest few are kept.
 */
export function cachedAssembly(context: Record<string, unknown>, synthesize: (outdir: string) => SynthesizedApp): SynthesizedApp & { cached: boolean } {
  const key = sourceDigest(context);
  const dir = join(CACHE_ROOT, key);
  if (existsSync(join(dir, 'manifest.json'))) return { ...fromAssembly(dir), cached: true };

  mkdirSync(CACHE_ROOT, { recursive: true });
  const building = `${dir}.building-${process.pid}`;
  rmSync(building, { recursive: true, force: true });
  synthesize(building);
  try {
    renameSync(building, dir);
  } catch {
    // Another process finished the same assembly first: use theirs.
    rmSync(building, { recursive: true, force: true });
  }
  pruneOldAssemblies();
  return { ...fromAssembly(dir), cached: false };
}

/** Keeps the newest few: a local cloud still running on an older build may start more workers from it. */
function pruneOldAssemblies(keep = 3): void {
  const assemblies = readdirSync(CACHE_ROOT)
    .filter((name) => !name.includes('.building-'))
    .map((name) => ({ path: join(CACHE_ROOT, name), at: statSync(join(CACHE_ROOT, name)).mtimeMs }))
    .sort((a, b) => b.at - a.at);
  for (const { path } of assemblies.slice(keep)) rmSync(path, { recursive: true, force: true });
}

function fromAssembly(directory: string): SynthesizedApp {
  const templateFile = readdirSync(directory).find((name) => name.endsWith('.template.json'));
  if (!templateFile) throw new Error(`no stack template in ${directory}`);
  return { template: JSON.parse(readFileSync(join(directory, templateFile), 'utf8')) as CloudFormationTemplate, assemblyDir: directory };
}

function sourceDigest(context: Record<string, unknown>): string {
  const hash = createHash('sha256').update(JSON.stringify(context));
  const files = [...INPUT_DIRECTORIES.flatMap((d) => filesUnder(join(PROJECT_ROOT, d))), ...INPUT_FILES.map((f) => join(PROJECT_ROOT, f)).filter(existsSync)].sort();
  for (const file of files) hash.update(relative(PROJECT_ROOT, file)).update('\0').update(readFileSync(file)).update('\0');
  return hash.digest('hex').slice(0, 24);
}

function filesUnder(directory: string): string[] {
  if (!existsSync(directory)) return [];
  return readdirSync(directory).flatMap((name) => {
    const path = join(directory, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}
