/**
 * Runner: 100 000 mutated and random frames through both decoders (`pnpm chaos`, or alone with
 * `node --import tsx src/fuzz-codec.ts [--seed=N] [--count=N]`).
 */
import { describeFuzzSummary, fuzzDecoders } from './fuzz.js';
import { createRng } from './rng.js';
import { isMain, runAll, type RunnerResult } from './runner.js';

/** Frames per run. */
export const FUZZ_CODEC_COUNT = 100_000;

function countFromArgs(): number {
  const arg = process.argv.find((a) => a.startsWith('--count='));
  const count = arg === undefined ? FUZZ_CODEC_COUNT : Number(arg.slice('--count='.length));
  if (!Number.isInteger(count) || count < 1)
    throw new RangeError(`--count: expected a positive integer, got ${arg}`);
  return count;
}

/** Fuzzes the codecs under `seed` and reports. */
export function runFuzzCodec(seed: number, count = countFromArgs()): Promise<RunnerResult> {
  const summary = fuzzDecoders({ rng: createRng(seed), count });
  return Promise.resolve({
    name: 'fuzz-codec',
    ok: summary.failureCount === 0,
    summary: describeFuzzSummary(summary),
    details: summary.failures.map(
      (f) =>
        `#${f.index} ${f.decoder} ${f.problem}: ${f.detail} [${f.ops.join(', ')}] ${f.preview}`,
    ),
  });
}

if (isMain(import.meta.url)) await runAll([runFuzzCodec]);
