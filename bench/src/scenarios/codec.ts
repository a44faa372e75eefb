/**
 * Scenario 3: the codec benchmark of issue 2 (packages/protocol/bench/codec.bench.ts, owned by
 * the protocol package), run as a child process with `--json FILE [--quick]`; its scenarios are
 * merged into ours under a `codec.` prefix.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ScenarioTable } from '../results.js';
import type { Scenario } from './scenario.js';

/** Path of the codec bench inside the workspace. */
export const CODEC_BENCH = 'packages/protocol/bench/codec.bench.ts';

/**
 * Names the codec bench's scenarios in our dotted scheme so the report groups them: its
 * `codec-binary-1k-encode` becomes `codec.binary-1k.encode` (one table per payload, a column per
 * operation); a name without dashes just gets the `codec.` prefix.
 */
export function codecKey(name: string): string {
  const bare = name.replace(/^codec[-.]/, '');
  const dash = bare.lastIndexOf('-');
  return dash > 0 ? `codec.${bare.slice(0, dash)}.${bare.slice(dash + 1)}` : `codec.${bare}`;
}

/** Renames every scenario of the codec bench's table with {@link codecKey}. */
export function prefixCodec(table: ScenarioTable): ScenarioTable {
  return Object.fromEntries(Object.entries(table).map(([name, row]) => [codecKey(name), row]));
}

/** Scenario 3 of issue 7. */
export const codecScenario: Scenario = {
  name: 'codec',
  title: "Codec (issue 2's codec bench, folded in)",
  async run(context) {
    const entry = join(context.root, CODEC_BENCH);
    if (!existsSync(entry)) {
      context.log(`  codec: left out, ${CODEC_BENCH} does not exist yet`);
      return;
    }
    const dir = mkdtempSync(join(tmpdir(), 'ackwire-codec-'));
    const out = join(dir, 'codec.json');
    try {
      const args = ['--import', import.meta.resolve('tsx'), entry, '--json', out];
      if (context.settings.mode === 'quick') args.push('--quick');
      await new Promise<void>((resolve, reject) => {
        const child = spawn(process.execPath, args, {
          cwd: join(context.root, 'packages/protocol'),
          stdio: ['ignore', 'ignore', 'inherit'],
        });
        const timer = setTimeout(() => child.kill('SIGKILL'), context.settings.deadlineMs.codec);
        child.on('error', reject);
        child.on('exit', (code, signal) => {
          clearTimeout(timer);
          if (code === 0) resolve();
          else reject(new Error(`codec bench exited with code ${code}, signal ${signal}`));
        });
      });
      const parsed = JSON.parse(readFileSync(out, 'utf8')) as { scenarios?: ScenarioTable };
      context.results.merge(prefixCodec(parsed.scenarios ?? {}));
      context.log(`  codec: merged ${Object.keys(parsed.scenarios ?? {}).length} scenarios`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
