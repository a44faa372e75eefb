/**
 * A small owned timer: one pending callback at most, restarted or stopped explicitly. Every
 * timer of the client is one of these, so one teardown path (`stop()` on each) clears them all.
 */
import type { Clock, TimerHandle } from './clock.js';

/** One restartable timeout. @internal */
export class Timer {
  #handle: TimerHandle = undefined;
  #dueAt = 0;

  readonly #clock: Clock;
  readonly #fn: () => void;

  constructor(clock: Clock, fn: () => void) {
    this.#clock = clock;
    this.#fn = fn;
  }

  /** True while a callback is pending. */
  get active(): boolean {
    return this.#handle !== undefined;
  }

  /** Wall-clock time the pending callback is due, or `undefined` when stopped. */
  get due(): number | undefined {
    return this.#handle === undefined ? undefined : this.#dueAt;
  }

  /** (Re)starts the timer to fire once after `ms` (clamped at 0); a pending callback is dropped. */
  start(ms: number): void {
    this.stop();
    const delay = Math.max(0, ms);
    this.#dueAt = this.#clock.now() + delay;
    this.#handle = this.#clock.setTimeout(() => {
      this.#handle = undefined;
      this.#fn();
    }, delay);
  }

  /** Starts the timer only when it is stopped or due later than `ms` from now. */
  startIfSooner(ms: number): void {
    const at = this.#clock.now() + Math.max(0, ms);
    if (this.#handle === undefined || at < this.#dueAt) this.start(ms);
  }

  /** Cancels the pending callback, if any. */
  stop(): void {
    if (this.#handle !== undefined) {
      this.#clock.clearTimeout(this.#handle);
      this.#handle = undefined;
    }
  }
}
