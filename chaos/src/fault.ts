/**
 * Fault modes of the proxy (docs/reliability.md, "Fault modes") and their options. Modes
 * apply per direction: `up` is client to upstream, `down` is upstream to client.
 */
import { ChaosError } from './errors.js';

/** Every fault the proxy can inject. */
export const FAULT_MODES = Object.freeze([
  'pass',
  'latency',
  'throttle',
  'blackhole',
  'half-close',
  'reset',
  'slice',
] as const);

/**
 * What the proxy does to bytes:
 * - `pass`: forward at once.
 * - `latency`: forward after `latencyMs` plus up to `jitterMs`, never reordering bytes.
 * - `throttle`: forward at most `bytesPerSecond`.
 * - `blackhole`: forward nothing and close nothing (a half-open link); bytes are dropped or held.
 * - `half-close`: send FIN (`end()`) in the chosen direction(s); later bytes that way are dropped.
 * - `reset`: destroy both sockets with a TCP RST (`resetAndDestroy()`); always both directions.
 * - `slice`: forward `sliceBytes` (1) at a time, each in its own write, to exercise framing.
 */
export type FaultMode = (typeof FAULT_MODES)[number];

/** Which way a fault applies: `up` = client to upstream, `down` = upstream to client. */
export type FaultDirection = 'up' | 'down' | 'both';

/** What a blackhole does with the bytes it swallows. */
export type BlackholeBehaviour = 'drop' | 'hold';

/** Options of {@link FaultMode}s; each applies only to the modes it names. */
export interface FaultOptions {
  /**
   * The direction(s) the mode applies to. `reset` ignores it: a reset ends both sockets.
   * @default 'both'
   */
  direction?: FaultDirection;
  /**
   * `latency`: fixed delay added to every chunk, in milliseconds.
   * @default 50
   */
  latencyMs?: number;
  /**
   * `latency`: extra random delay per chunk, uniform in [0, jitterMs), from the seeded RNG.
   * Chunks still leave in arrival order: a chunk never overtakes an earlier one.
   * @default 0
   */
  jitterMs?: number;
  /**
   * `throttle`: most bytes forwarded per second, per direction.
   * @default 16384
   */
  bytesPerSecond?: number;
  /**
   * `blackhole`: `drop` discards bytes (and FIN) as they arrive, like a lossy partition that
   * never heals cleanly; `hold` stops reading the source socket so the bytes wait in kernel
   * buffers and flow again, intact, when the mode changes (a partition that heals).
   * @default 'drop'
   */
  blackhole?: BlackholeBehaviour;
  /**
   * `slice`: bytes per write.
   * @default 1
   */
  sliceBytes?: number;
  /**
   * `slice`: pause between two writes, in milliseconds; 0 waits for the next event-loop turn
   * so every slice leaves in its own TCP segment.
   * @default 0
   */
  sliceDelayMs?: number;
}

/** Defaults of {@link FaultOptions}, applied in {@link resolveFault} only. */
export const FAULT_DEFAULTS: Readonly<Required<FaultOptions>> = Object.freeze({
  direction: 'both',
  latencyMs: 50,
  jitterMs: 0,
  bytesPerSecond: 16_384,
  blackhole: 'drop',
  sliceBytes: 1,
  sliceDelayMs: 0,
});

/** A mode with all its options resolved: what one direction of one connection is doing. */
export interface LaneFault {
  readonly mode: Exclude<FaultMode, 'reset'>;
  readonly latencyMs: number;
  readonly jitterMs: number;
  readonly bytesPerSecond: number;
  readonly blackhole: BlackholeBehaviour;
  readonly sliceBytes: number;
  readonly sliceDelayMs: number;
}

/** The fault every lane starts with. */
export const PASS: LaneFault = Object.freeze({ ...FAULT_DEFAULTS, mode: 'pass' });

function check(ok: boolean, what: string): void {
  if (!ok) throw new ChaosError('CHAOS_BAD_FAULT', what);
}

/**
 * Validates a mode and its options and applies the defaults.
 * @throws ChaosError CHAOS_BAD_FAULT when a mode or an option is out of range.
 */
export function resolveFault(
  mode: FaultMode,
  options: FaultOptions = {},
): { fault: LaneFault; direction: FaultDirection; reset: boolean } {
  check(
    (FAULT_MODES as readonly string[]).includes(mode),
    `mode: expected one of ${FAULT_MODES.join(', ')}, got ${String(mode)}`,
  );
  const o = { ...FAULT_DEFAULTS, ...options };
  check(
    ['up', 'down', 'both'].includes(o.direction),
    `direction: expected up, down or both, got ${o.direction}`,
  );
  check(
    Number.isFinite(o.latencyMs) && o.latencyMs >= 0,
    `latencyMs: expected >= 0, got ${o.latencyMs}`,
  );
  check(
    Number.isFinite(o.jitterMs) && o.jitterMs >= 0,
    `jitterMs: expected >= 0, got ${o.jitterMs}`,
  );
  check(
    Number.isFinite(o.bytesPerSecond) && o.bytesPerSecond >= 1,
    `bytesPerSecond: expected >= 1, got ${o.bytesPerSecond}`,
  );
  check(
    o.blackhole === 'drop' || o.blackhole === 'hold',
    `blackhole: expected drop or hold, got ${o.blackhole}`,
  );
  check(
    Number.isInteger(o.sliceBytes) && o.sliceBytes >= 1,
    `sliceBytes: expected an integer >= 1, got ${o.sliceBytes}`,
  );
  check(
    Number.isFinite(o.sliceDelayMs) && o.sliceDelayMs >= 0,
    `sliceDelayMs: expected >= 0, got ${o.sliceDelayMs}`,
  );
  const { direction, ...rest } = o;
  return {
    fault: Object.freeze({ ...rest, mode: mode === 'reset' ? 'pass' : mode }),
    direction,
    reset: mode === 'reset',
  };
}
