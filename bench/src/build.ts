/**
 * The bench measures ackwire as users get it: the built `dist/` of its packages, not `src/`.
 * Before a run, rebuild those packages when a source file is newer than their `dist/index.js`.
 * A failed build is reported and the run goes on with the dist/ that exists, if any.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** Packages the bench loads from dist, in build order. */
const PACKAGES = ['protocol', 'client', 'server'] as const;

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/** True when `packages/<name>/dist/index.js` exists and is newer than every file of its `src/`. */
export function isFresh(root: string, name: string): boolean {
  const dist = join(root, 'packages', name, 'dist', 'index.js');
  if (!existsSync(dist)) return false;
  return statSync(dist).mtimeMs >= newestMtime(join(root, 'packages', name, 'src'));
}

/** Builds the ackwire packages whose dist is stale; logs and continues on failure. */
export function ensureBuilt(root: string, log: (message: string) => void): void {
  const stale = PACKAGES.filter((name) => !isFresh(root, name));
  if (stale.length === 0) return;
  log(`building ${stale.map((name) => `@ackwire/${name}`).join(', ')} (dist older than src)`);
  try {
    execFileSync(
      'pnpm',
      [...stale.flatMap((name) => ['--filter', `@ackwire/${name}`]), 'run', 'build'],
      { cwd: root, stdio: ['ignore', 'ignore', 'inherit'], timeout: 300_000 },
    );
  } catch (error) {
    log(`build failed; ackwire runs from whatever dist/ exists (or is left out): ${String(error)}`);
  }
}
