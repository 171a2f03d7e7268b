import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

/**
 * The web console's static build, kept under dist/ in a directory named by a hash
 * of its sources: an unchanged console is never rebuilt, a changed one always is,
 * and local clouds starting side by side (parallel tests) never write into a
 * directory another one serves from.
 */
export interface ConsoleBuild {
  /** The directory holding index.html and assets/. */
  dir: string;
  /** False when a build with the same sources was there already. */
  built: boolean;
}

/** What the bundle is made of besides web/: the shared ID check and the locked dependency versions. */
const SHARED_SOURCES = ['lib/orders/resident-id.ts', 'lib/timetable/stations.ts', 'package-lock.json'];
/** Tests and the component-test setup are not part of the bundle. */
const NOT_BUNDLED = /\.test\.ts$/;
const BUILD_PREFIX = 'web-';

export function consoleSourceHash(projectRoot: string): string {
  const hash = createHash('sha256');
  const files = [...listFiles(join(projectRoot, 'web')).filter((file) => !NOT_BUNDLED.test(file)), ...SHARED_SOURCES.map((file) => join(projectRoot, file))];
  for (const file of files.sort()) {
    hash.update(relative(projectRoot, file)).update('\0').update(readFileSync(file)).update('\0');
  }
  return hash.digest('hex').slice(0, 16);
}

/** Builds the console with Vite unless a build of the same sources exists; older builds are removed. */
export function ensureConsoleBuild(projectRoot: string, log: (line: string) => void = () => undefined): ConsoleBuild {
  const distDir = join(projectRoot, 'dist');
  const hash = consoleSourceHash(projectRoot);
  const dir = join(distDir, `${BUILD_PREFIX}${hash}`);
  if (existsSync(join(dir, 'index.html'))) return { dir, built: false };

  const started = Date.now();
  const staging = join(distDir, `.${BUILD_PREFIX}${hash}-${process.pid}`);
  const vite = spawnSync(join(projectRoot, 'node_modules', '.bin', 'vite'), ['build', '--config', join(projectRoot, 'web', 'vite.config.mts'), '--outDir', staging, '--emptyOutDir', '--logLevel', 'warn'], {
    cwd: projectRoot,
    encoding: 'utf8',
  });
  if (vite.status !== 0) {
    rmSync(staging, { recursive: true, force: true });
    throw new Error(`building the web console failed (vite exited ${vite.status ?? vite.signal}):\n${vite.stdout}${vite.stderr}`);
  }
  try {
    renameSync(staging, dir);
  } catch (error) {
    // Another local cloud finished the same build first: use it.
    rmSync(staging, { recursive: true, force: true });
    if (!existsSync(join(dir, 'index.html'))) throw error;
  }
  removeOlderBuilds(distDir, dir);
  log(`built the web console in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return { dir, built: true };
}

function removeOlderBuilds(distDir: string, keep: string): void {
  for (const entry of readdirSync(distDir)) {
    const path = join(distDir, entry);
    if (path !== keep && entry.startsWith(BUILD_PREFIX)) rmSync(path, { recursive: true, force: true });
  }
}

function listFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    return statSync(path).isDirectory() ? listFiles(path) : [path];
  });
}
