/**
 * Flow control (issue 8): the outbox stops writing while the socket's `bufferedAmount` is
 * above the high-water mark and resumes at or below the low-water mark. Browsers have no
 * drain event on WebSocket, so a paused writer polls. `waitForRoom()` and the `drain` event
 * tell the app when it may produce again.
 * @internal
 */
import type { Clock } from './clock.js';
import { Timer } from './timer.js';

/** How often a paused writer polls `bufferedAmount`. */
const DRAIN_POLL_MS = 20;

/** What flow control reads and triggers. @internal */
export interface FlowHooks {
  /** Bytes in the current socket's send buffer. */
  buffered(): number;
  /** True when the outbox can admit another message. */
  outboxHasRoom(): boolean;
  /** Writing may resume: flush the outbox. */
  resume(): void;
  /** Emit `drain`. */
  drain(): void;
}

interface Waiter {
  resolve(): void;
  reject(error: Error): void;
}

/** Backpressure between the outbox and the socket. @internal */
export class FlowControl {
  #paused = false;
  #blocked = false;
  #waiters: Waiter[] = [];
  readonly #timer: Timer;

  readonly #highWaterMark: number;
  readonly #lowWaterMark: number;
  readonly #hooks: FlowHooks;

  constructor(clock: Clock, highWaterMark: number, lowWaterMark: number, hooks: FlowHooks) {
    this.#highWaterMark = highWaterMark;
    this.#lowWaterMark = lowWaterMark;
    this.#hooks = hooks;
    this.#timer = new Timer(clock, () => this.#poll());
  }

  /** Gate before each write: false, and start polling, while the socket is backed up. */
  canWrite(): boolean {
    if (this.#paused) return false;
    if (this.#hooks.buffered() > this.#highWaterMark) {
      this.#paused = true;
      this.#timer.start(DRAIN_POLL_MS);
      return false;
    }
    return true;
  }

  /** True when a message can be accepted and written without waiting. */
  hasRoom(): boolean {
    return !this.#paused && this.#hooks.outboxHasRoom();
  }

  /** The app was refused for lack of room; `drain` follows when room appears. */
  markBlocked(): void {
    this.#blocked = true;
  }

  /** Resolves once {@link hasRoom}. */
  waitForRoom(): Promise<void> {
    if (this.hasRoom()) return Promise.resolve();
    this.#blocked = true;
    return new Promise((resolve, reject) => this.#waiters.push({ resolve, reject }));
  }

  /** Something settled or drained: wake whoever waits for room. */
  check(): void {
    if (!this.hasRoom()) return;
    for (const w of this.#waiters.splice(0)) w.resolve();
    if (this.#blocked) {
      this.#blocked = false;
      this.#hooks.drain();
    }
  }

  /** The socket is gone: a new one starts with an empty buffer. */
  reset(): void {
    this.#paused = false;
    this.#timer.stop();
  }

  /** Client closed: stop, and settle every waiter. */
  close(error: () => Error): void {
    this.reset();
    for (const w of this.#waiters.splice(0)) w.reject(error());
  }

  #poll(): void {
    if (!this.#paused) return;
    if (this.#hooks.buffered() > this.#lowWaterMark) {
      this.#timer.start(DRAIN_POLL_MS);
      return;
    }
    this.#paused = false;
    this.#hooks.resume();
    this.check();
  }
}
