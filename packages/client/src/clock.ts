/**
 * The clock the client reads and schedules with. Injectable so that every timing rule
 * (heartbeat, backoff, deadlines) is testable under fake time without real waiting.
 */

/** Opaque handle returned by {@link Clock.setTimeout}. */
export type TimerHandle = unknown;

/** The three clock functions the client uses. */
export interface Clock {
  /** Wall-clock milliseconds. Liveness and deadlines are judged on this, never on tick counts. */
  now(): number;
  /** Schedules `fn` after `ms` milliseconds; may fire late (background tabs, sleep). */
  setTimeout(fn: () => void, ms: number): TimerHandle;
  /** Cancels a handle from {@link Clock.setTimeout}; unknown handles are ignored. */
  clearTimeout(handle: TimerHandle): void;
}

interface TimerGlobals {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/**
 * The real clock: `Date.now` and the global timers, looked up at call time so that test
 * frameworks that replace the globals (fake timers) are honoured.
 */
export const systemClock: Clock = Object.freeze({
  now: () => Date.now(),
  setTimeout: (fn: () => void, ms: number) =>
    (globalThis as unknown as TimerGlobals).setTimeout(fn, ms),
  clearTimeout: (handle: TimerHandle) =>
    (globalThis as unknown as TimerGlobals).clearTimeout(handle),
});
