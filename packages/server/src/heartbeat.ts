/**
 * Liveness (docs/protocol.md §11). Every received frame, protocol pongs included, counts as
 * a sign of life measured on the wall clock; a connection silent for `interval` gets a protocol
 * ping (browsers answer those without application code) and one silent for interval + timeout
 * is terminated. One server-wide sweep drives every connection, so a thousand connections cost
 * one timer, not a thousand.
 */
import type { TimerSet } from './clock.js';

/** What the sweep does to one connection. */
export type LivenessVerdict = 'alive' | 'ping' | 'dead';

/** Liveness bookkeeping of one connection. @internal */
export class Liveness {
  #lastReceivedAt: number;
  #lastPingAt: number;

  constructor(now: number) {
    this.#lastReceivedAt = now;
    this.#lastPingAt = now;
  }

  /** Records that a frame arrived at `now`. */
  touch(now: number): void {
    this.#lastReceivedAt = now;
  }

  /** Decides at `now` whether to ping, terminate or leave the connection alone. */
  check(now: number, intervalMs: number, timeoutMs: number): LivenessVerdict {
    const silence = now - this.#lastReceivedAt;
    if (silence >= intervalMs + timeoutMs) return 'dead';
    if (silence >= intervalMs && now - this.#lastPingAt >= intervalMs) {
      this.#lastPingAt = now;
      return 'ping';
    }
    return 'alive';
  }
}

/**
 * Sweep period: a quarter of the shortest deadline it enforces, so each deadline is met within
 * 25% of its length, clamped to [5 ms, 1 s].
 */
export function sweepPeriod(...deadlinesMs: number[]): number {
  return Math.min(1000, Math.max(5, Math.floor(Math.min(...deadlinesMs) / 4)));
}

/** Runs `tick` every period while started. @internal */
export class Sweeper {
  readonly #timers: TimerSet;
  readonly #periodMs: number;
  readonly #tick: () => void;
  #cancel: (() => void) | undefined;

  constructor(timers: TimerSet, periodMs: number, tick: () => void) {
    this.#timers = timers;
    this.#periodMs = periodMs;
    this.#tick = tick;
  }

  start(): void {
    this.#cancel ??= this.#timers.interval(this.#tick, this.#periodMs);
  }

  stop(): void {
    this.#cancel?.();
    this.#cancel = undefined;
  }
}
