#!/usr/bin/env node
// Packs every publishable package with `pnpm pack`, installs the tarballs together in a scratch
// folder with npm, then imports each package from ESM and requires it from CJS. This proves
// what users install works, not only what the workspace links.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const packages = ['protocol', 'client', 'server', 'test-server'];
const scratch = mkdtempSync(join(tmpdir(), 'ackwire-pack-'));
const run = (cmd, args, cwd) =>
  execFileSync(cmd, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] }).toString();

try {
  for (const p of packages)
    run('pnpm', ['pack', '--pack-destination', scratch], `${root}packages/${p}`);
  const tarballs = readdirSync(scratch).filter((f) => f.endsWith('.tgz'));
  writeFileSync(join(scratch, 'package.json'), JSON.stringify({ name: 'scratch', private: true }));
  run(
    'npm',
    ['install', '--no-audit', '--no-fund', '--loglevel=error', ...tarballs.map((t) => `./${t}`)],
    scratch,
  );
  const names = packages.map((p) => `@ackwire/${p}`);
  const esm = names
    .map(
      (n) =>
        `const m_${n.replace(/\W/g, '_')} = await import('${n}'); if (!Object.keys(m_${n.replace(/\W/g, '_')}).length) throw new Error('${n}: empty ESM');`,
    )
    .join('\n');
  writeFileSync(
    join(scratch, 'esm.mjs'),
    `${esm}\nconst { AckwireClient } = await import('@ackwire/client'); if (typeof AckwireClient !== 'function') throw new Error('no AckwireClient');\nconsole.log('esm ok');\n`,
  );
  const cjs = names
    .map((n) => `if (!Object.keys(require('${n}')).length) throw new Error('${n}: empty CJS');`)
    .join('\n');
  writeFileSync(
    join(scratch, 'cjs.cjs'),
    `${cjs}\nif (typeof require('@ackwire/client').AckwireClient !== 'function') throw new Error('no AckwireClient');\nconsole.log('cjs ok');\n`,
  );
  process.stdout.write(`pack: ${tarballs.join(', ')}\n`);
  process.stdout.write(`pack: ${run('node', ['esm.mjs'], scratch)}`);
  process.stdout.write(`pack: ${run('node', ['cjs.cjs'], scratch)}`);
} catch (err) {
  console.error(`pack: ${err.message}\n${err.stderr?.toString() ?? ''}`);
  process.exitCode = 1;
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
