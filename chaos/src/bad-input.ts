/**
 * Runner: bad input (issue 8). Three sources, at least 100,000 inputs per `pnpm chaos`:
 * mutated and generated frames through both decoders in-process (the client's decoder is
 * `decodeServerFrame`), mutated frames against the live server process (each answer checked
 * against the spec's code), and the raw RFC 6455 violations and `ws` advisory cases (header
 * flood, tiny fragments) from bare sockets. Passes with 0 crashes, 0 uncaught exceptions, 0 keys
 * added to `Object.prototype` (in this process and in the server's), every answer as specified.
 * Alone: `pnpm -C chaos run bad-input [--seed=N] [--count=N] [--live=N]`.
 */
import { createRng } from './rng.js';
import { fuzzDecoders } from './fuzz.js';
import { fuzzLiveServer } from './live-fuzz.js';
import { isMain, numberArg, runAll, type RunnerResult } from './runner.js';
import type { ChildStats } from './server-ipc.js';
import { ServerProcess } from './server-child.js';
import { runViolations } from './violations.js';

/** Sizes of the run. */
export interface BadInputOptions {
  /** Frames through both decoders in-process. */
  codec?: number;
  /** Frames against the live server. */
  live?: number;
}

/** Runs the bad-input sweep and reports one line. */
export async function runBadInput(
  seed: number,
  options: BadInputOptions = {},
): Promise<RunnerResult> {
  const codecCount = options.codec ?? 100_000;
  const liveCount = options.live ?? 20_000;
  const before = new Set(Object.getOwnPropertyNames(Object.prototype));
  const codec = fuzzDecoders({ rng: createRng(seed), count: codecCount });
  const server = await ServerProcess.start({
    port: 0,
    options: {
      rateLimitPerSecond: 1_000_000,
      rateLimitBurst: 1_000_000,
      maxProtocolErrors: 1_000_000_000,
    },
  });
  try {
    const live = await fuzzLiveServer(server.url, createRng(seed ^ 0x4c495645), liveCount);
    const violations = await runViolations(seed, server.url);
    const stats = await server.call<ChildStats>({ cmd: 'stats' });
    const added = Object.getOwnPropertyNames(Object.prototype).filter((k) => !before.has(k));
    const polluted = [...added, ...stats.prototypeKeysAdded];
    const crashes = server.unexpectedExits;
    const total = codecCount * 2 + live.frames + 7;
    const ok =
      codec.failureCount === 0 &&
      live.failures.length === 0 &&
      live.frames === liveCount &&
      violations.ok &&
      polluted.length === 0 &&
      stats.uncaught === 0 &&
      crashes === 0;
    return {
      name: 'bad-input',
      ok,
      summary:
        `${total} inputs: ${crashes} crashes, ${stats.uncaught} uncaught exceptions, ${polluted.length} keys added to Object.prototype;` +
        ` decoders ${codecCount} frames x 2, ${codec.failureCount} contract breaks;` +
        ` live server ${live.frames} frames (${live.refusedAsSpecified} refused with the spec's code, ${live.closedAsSpecified}` +
        ` closed 1009/4009 as specified, ${live.accepted} valid), ${live.failures.length} wrong answers;` +
        ` raw violations ${violations.summary.split(' ')[0]}`,
      details: [
        ...codec.failures.map(
          (f) => `decoder #${f.index} ${f.decoder} ${f.problem}: ${f.detail} ${f.preview}`,
        ),
        ...live.failures,
        ...(violations.details ?? []),
        ...(polluted.length > 0 ? [`Object.prototype gained ${polluted.join(', ')}`] : []),
      ],
    };
  } finally {
    await server.stop();
  }
}

if (isMain(import.meta.url)) {
  await runAll([
    (seed) =>
      runBadInput(seed, {
        ...(numberArg('count') !== undefined && { codec: numberArg('count')! }),
        ...(numberArg('live') !== undefined && { live: numberArg('live')! }),
      }),
  ]);
}
