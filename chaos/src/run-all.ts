/**
 * `pnpm chaos`: every runner in turn under one seed, one summary line each (docs/reliability.md,
 * "Figures"). The issue 8 runs against the real client and server come first; the last two
 * check the harness itself (violations against a plain `ws` server, the proxy's fault modes).
 */
import { runBadInput } from './bad-input.js';
import { runDetection } from './detection.js';
import { runHeadline } from './headline.js';
import { runProxyFaults } from './proxy-faults.js';
import { runAll, type Runner } from './runner.js';
import { runSlowConsumers } from './slow-consumers.js';
import { runStorm } from './storm.js';
import { runViolations } from './violations.js';

/** Every runner of `pnpm chaos`, in order. */
export const RUNNERS: readonly Runner[] = [
  (seed) => runHeadline(seed),
  (seed) => runDetection(seed),
  (seed) => runStorm(seed),
  (seed) => runSlowConsumers(seed),
  (seed) => runBadInput(seed),
  (seed) => runViolations(seed, undefined),
  (seed) => runProxyFaults(seed),
];

await runAll(RUNNERS);
