/**
 * `pnpm chaos`: every runner in turn under one seed, one summary line each. Runners that need
 * the ackwire server (proxy faults against a live client and server) join this list as the
 * server and client packages land.
 */
import { runFuzzCodec } from './fuzz-codec.js';
import { runProxyFaults } from './proxy-faults.js';
import { runAll, type Runner } from './runner.js';
import { runViolations } from './violations.js';

/** Every runner of `pnpm chaos`, in order. */
export const RUNNERS: readonly Runner[] = [
  (seed) => runFuzzCodec(seed),
  (seed) => runViolations(seed),
  (seed) => runProxyFaults(seed),
];

await runAll(RUNNERS);
