/**
 * Application-level liveness (docs/protocol.md §4). Judged on the wall clock from the last
 * byte received, never by counting timer ticks:
 *
 * - After `interval` of silence the client sends a `ping`.
 * - The link is dead when a ping has been unanswered (nothing at all received since it went
 *   out) for `timeout`, on the wall clock. With timers on time that is interval + timeout after
 *   the last byte; a probe (below) can establish it sooner.
 * - A background tab whose timers fire once a minute is not disconnected while traffic arrives:
 *   each late check sees a recent `lastReceivedAt`. When the tab is idle too, a late check sends
 *   a ping first instead of condemning a link that was never asked, because silence we did not
 *   probe proves nothing.
 * - A laptop that slept with a ping outstanding is declared dead on the first check after wake;
 *   `probe()` (called on `visibilitychange`, `online`, and before sending after a long idle)
 *   asks at once instead of waiting a full interval.
 */
import type { Clock } from './clock.js';
import { Timer } from './timer.js';

/** What the heartbeat asks of its owner. @internal */
export interface HeartbeatHooks {
  /** Send an application `ping` carrying `ts`. */
  sendPing(ts: number): void;
  /** The link is dead: replace it now, without waiting for the socket's close event. */
  dead(silentMs: number): void;
}

/** Wall-clock liveness of one connection. @internal */
export class Heartbeat {
  #interval: number;
  #timeout: number;
  #lastReceivedAt = 0;
  /** When the oldest ping sent since the last received byte went out; undefined if none. */
  #pingSentAt: number | undefined;
  #running = false;
  readonly #timer: Timer;
  /** Latest round-trip time measured from a pong, in ms. */
  rtt: number | undefined;

  readonly #clock: Clock;
  readonly #hooks: HeartbeatHooks;

  constructor(clock: Clock, hooks: HeartbeatHooks, interval: number, timeout: number) {
    this.#clock = clock;
    this.#hooks = hooks;
    this.#interval = interval;
    this.#timeout = timeout;
    this.#timer = new Timer(clock, () => this.#check());
  }

  /** Current settings, in ms. */
  get settings(): { interval: number; timeout: number } {
    return { interval: this.#interval, timeout: this.#timeout };
  }

  /** Milliseconds since the last received byte (0 when stopped). */
  silentFor(): number {
    return this.#running ? this.#clock.now() - this.#lastReceivedAt : 0;
  }

  /** Adopts the server's settings (from `welcome.hb`). */
  configure(interval: number, timeout: number): void {
    this.#interval = interval;
    this.#timeout = timeout;
    if (this.#running) this.#schedule();
  }

  /** Starts watching a freshly opened socket; the open counts as received traffic. */
  start(): void {
    this.#running = true;
    this.#lastReceivedAt = this.#clock.now();
    this.#pingSentAt = undefined;
    this.#schedule();
  }

  /** Stops watching (socket gone or client closed). */
  stop(): void {
    this.#running = false;
    this.#pingSentAt = undefined;
    this.#timer.stop();
  }

  /**
   * Any received frame: the peer is alive. Cheap on purpose (no timer work): it runs for every
   * frame, and the scheduled check reads `lastReceivedAt` when it fires.
   */
  received(): void {
    this.#lastReceivedAt = this.#clock.now();
    this.#pingSentAt = undefined;
  }

  /** A `pong` answered one of our pings: record the round-trip time. */
  pong(ts: number): void {
    const rtt = this.#clock.now() - ts;
    if (rtt >= 0 && Number.isFinite(rtt)) this.rtt = rtt;
  }

  /**
   * Asks the peer now instead of waiting for the interval: sends a ping unless one is already
   * outstanding, and checks again `timeout` later. Used on wake, on `online`, before sending
   * after a long idle, and when a receipt is overdue.
   */
  probe(): void {
    if (!this.#running) return;
    if (this.#isDead()) {
      this.#declareDead();
      return;
    }
    if (this.#pingSentAt === undefined) this.#ping();
    this.#timer.startIfSooner(this.#pingSentAt! + this.#timeout - this.#clock.now());
  }

  #ping(): void {
    const now = this.#clock.now();
    this.#pingSentAt = now;
    this.#hooks.sendPing(now);
  }

  #isDead(): boolean {
    return this.#pingSentAt !== undefined && this.#clock.now() - this.#pingSentAt >= this.#timeout;
  }

  #declareDead(): void {
    const silent = this.#clock.now() - this.#lastReceivedAt;
    this.stop();
    this.#hooks.dead(silent);
  }

  #check(): void {
    if (!this.#running) return;
    if (this.#isDead()) {
      this.#declareDead();
      return;
    }
    if (
      this.#pingSentAt === undefined &&
      this.#clock.now() - this.#lastReceivedAt >= this.#interval
    ) {
      this.#ping();
    }
    this.#schedule();
  }

  /** Next check: when the ping falls due, or when an outstanding ping would make us dead. */
  #schedule(): void {
    const due =
      this.#pingSentAt === undefined
        ? this.#lastReceivedAt + this.#interval
        : this.#pingSentAt + this.#timeout;
    this.#timer.start(due - this.#clock.now());
  }
}
