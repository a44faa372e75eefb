/**
 * The injectable clock and the one owner of every timer the server starts (STYLE.md point 7).
 * Unit tests pass a fake clock; the 1,000-connection test reads `TimerSet.size` to prove that
 * nothing is left pending after connections close. Also `Defer`: work put off to a later turn of
 * the event loop (the next slice of a large fan-out, the close queue's next closes).
 */

/** Time source and timer functions; defaults to the global ones. */
export interface Clock {
  /** Milliseconds since the Unix epoch. */
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
  setInterval(fn: () => void, ms: number): unknown;
  clearInterval(handle: unknown): void;
}

/** The real clock. Timers are unref'd so an idle attached server never holds a process open. */
export const systemClock: Clock = Object.freeze({
  now: () => Date.now(),
  setTimeout: (fn: () => void, ms: number) => unref(setTimeout(fn, ms)),
  clearTimeout: (h: unknown) => clearTimeout(h as ReturnType<typeof setTimeout>),
  setInterval: (fn: () => void, ms: number) => unref(setInterval(fn, ms)),
  clearInterval: (h: unknown) => clearInterval(h as ReturnType<typeof setInterval>),
});

function unref<T>(handle: T): T {
  (handle as { unref?: () => void }).unref?.();
  return handle;
}

/**
 * Every timer the server owns goes through one of these, so one `clearAll()` is the teardown
 * path and `size` is an exact count of what is still pending.
 * @internal
 */
export class TimerSet {
  readonly #clock: Clock;
  readonly #live = new Map<symbol, () => void>();

  constructor(clock: Clock) {
    this.#clock = clock;
  }

  /** Number of timers started and not yet fired or cancelled. */
  get size(): number {
    return this.#live.size;
  }

  /** Runs `fn` once after `ms`; returns the cancel function. */
  timeout(fn: () => void, ms: number): () => void {
    const key = Symbol('timeout');
    const handle = this.#clock.setTimeout(() => {
      this.#live.delete(key);
      fn();
    }, ms);
    const cancel = (): void => {
      if (this.#live.delete(key)) this.#clock.clearTimeout(handle);
    };
    this.#live.set(key, cancel);
    return cancel;
  }

  /** Runs `fn` every `ms` until cancelled; returns the cancel function. */
  interval(fn: () => void, ms: number): () => void {
    const key = Symbol('interval');
    const handle = this.#clock.setInterval(fn, ms);
    const cancel = (): void => {
      if (this.#live.delete(key)) this.#clock.clearInterval(handle);
    };
    this.#live.set(key, cancel);
    return cancel;
  }

  /** Cancels every pending timer. */
  clearAll(): void {
    for (const cancel of [...this.#live.values()]) cancel();
  }
}

/** Runs a function after pending I/O (`setImmediate`); injectable for tests. */
export type Defer = (fn: () => void) => void;

/** The default {@link Defer}: `setImmediate`, unref'd so it never holds a process open. */
export const deferImmediate: Defer = (fn) => {
  setImmediate(fn).unref();
};

/**
 * A function that runs `fn` in a later turn ({@link Defer}), once however often it is called
 * before then: work done in slices, the next slice scheduled at most once.
 */
export function deferOnce(defer: Defer, fn: () => void): () => void {
  let scheduled = false;
  return () => {
    if (scheduled) return;
    scheduled = true;
    defer(() => {
      scheduled = false;
      fn();
    });
  };
}
