/**
 * The link under a session: the write path with flow control, liveness, and the one timer.
 * `Session` (session.ts) extends it with attempts, the handshake and the close policy.
 *
 * One timer serves every deadline: the connect timeout, the reconnect wait, the heartbeat, overdue
 * receipts, message deadlines and the drain poll each keep a due time (Infinity when idle), and
 * the timer is armed for the nearest. When it fires, each check whose time came runs, and the
 * timer is re-armed. Hot paths only compare numbers: a write arms the receipt check once per
 * check period, a send arms the deadline check only when its deadline is the nearest.
 *
 * Liveness (docs/protocol.md §4) is judged on the wall clock from the last byte received, never
 * by counting timer ticks:
 * - After `interval` of silence the client sends a `ping`.
 * - The link is dead when a ping has been unanswered (nothing at all received since it went out)
 *   for `timeout`. With timers on time that is interval + timeout after the last byte.
 * - A background tab whose timers fire once a minute is not disconnected while traffic arrives:
 *   each late check sees a recent `_lastReceivedAt`. When the tab is idle too, a late check sends
 *   a ping first instead of condemning a link that was never asked: silence we did not probe
 *   proves nothing.
 * - A laptop that slept with a ping outstanding is declared dead on the first check after wake;
 *   `_probe()` (on `visibilitychange`, `online`, before sending after a long idle, and when a
 *   receipt is overdue) asks at once instead of waiting a full interval.
 *
 * Flow control (issue 8): the outbox stops writing while the socket's `bufferedAmount` is above
 * the high-water mark and resumes at or below the low-water mark. Browsers have no drain event
 * on WebSocket, so a paused writer polls. `waitForRoom()` and the `drain` event tell the app
 * when it may produce again.
 *
 * Members named `_x` are internal and renamed in the shipped builds (scripts/rollup-lib.mjs).
 * @internal
 */
import { encode, type ClientEnvelope } from '@ackwire/protocol';
import { CLOSE_HEARTBEAT_TIMEOUT } from './close-policy.js';
import type { TimerHandle } from './clock.js';
import type { ArgsOf, Emitter } from './emitter.js';
import { frameSize } from './encoding.js';
import type { AckwireClientError } from './errors.js';
import type { ResolvedOptions } from './options.js';
import { Outbox, type OutboxEntry, type OutboxHost } from './outbox.js';
import type { StateReason } from './state.js';
import type { SubscriptionRegistry } from './subscriptions.js';
import type { ClientEvents } from './types.js';
import { OPEN, type WebSocketLike } from './websocket.js';

/** How often a paused writer polls `bufferedAmount`. */
const DRAIN_POLL_MS = 20;

/** Counters behind `stats()`. @internal */
export interface Counters {
  reconnects: number;
  bytesIn: number;
  bytesOut: number;
  framesIn: number;
  framesOut: number;
}

interface Waiter {
  resolve(): void;
  reject(error: Error): void;
}

/** Writing, liveness and deadlines of one client. @internal */
export abstract class Link implements OutboxHost {
  readonly _o: ResolvedOptions;
  readonly _outbox: Outbox;
  readonly _registry: SubscriptionRegistry;
  readonly _emitter: Emitter<ClientEvents>;
  readonly _counters: Counters = {
    reconnects: 0,
    bytesIn: 0,
    bytesOut: 0,
    framesIn: 0,
    framesOut: 0,
  };
  /** The current socket; undefined between attempts. */
  _ws: WebSocketLike | undefined;
  /** True while a session is established (welcome received on the current socket). */
  _sessionOpen = false;
  /** Set once, by the one teardown path. */
  _closeError: AckwireClientError | undefined;

  // Due times of the one timer, wall-clock ms; Infinity when not due.
  _connectBy = Infinity;
  _retryAt = Infinity;
  _expiresAt = Infinity;
  _receiptsAt = Infinity;
  _drainPollAt = Infinity;
  #timer: TimerHandle;
  #timerAt = Infinity;

  // Heartbeat.
  #beating = false;
  #interval: number;
  #timeout: number;
  _lastReceivedAt = 0;
  /** When the oldest ping sent since the last received byte went out; undefined if none. */
  _pingSentAt: number | undefined;
  /** Latest round-trip time measured from a pong, in ms. */
  _rtt: number | undefined;

  // Flow control.
  _paused = false;
  /** The app was refused for lack of room: `drain` follows when room appears. */
  _blocked = false;
  #roomWaiters: Waiter[] = [];

  constructor(
    opts: ResolvedOptions,
    emitter: Emitter<ClientEvents>,
    registry: SubscriptionRegistry,
  ) {
    this._o = opts;
    this._emitter = emitter;
    this._registry = registry;
    this._outbox = new Outbox(opts, this);
    this.#interval = opts.heartbeatIntervalMs;
    this.#timeout = opts.heartbeatTimeoutMs;
  }

  /** Replaces the current socket after a close, a dead link or a timeout. */
  abstract _lose(code: number, reason: string, why: StateReason): void;
  /** The connect timeout passed. */
  abstract _connectTimedOut(): void;
  /** Starts the next connection attempt. */
  abstract _attempt(): Promise<void>;

  /** Typed emit of the client's events. */
  _emit<E extends keyof ClientEvents>(event: E, ...args: ArgsOf<ClientEvents, E>): void {
    this._emitter._emit(event, ...args);
  }

  // ------------------------------------------------------------------ the one timer

  /** Arms the timer for the nearest due time, if that changed. Call after moving one. */
  _reschedule(): void {
    const at = this._closeError
      ? Infinity
      : Math.min(
          this._connectBy,
          this._retryAt,
          this._expiresAt,
          this._receiptsAt,
          this._drainPollAt,
          this.#heartbeatDue(),
        );
    if (at === this.#timerAt) return;
    const clock = this._o.clock;
    if (this.#timerAt !== Infinity) clock.clearTimeout(this.#timer);
    this.#timerAt = at;
    if (at !== Infinity) this.#timer = clock.setTimeout(this.#tick, Math.max(0, at - clock.now()));
  }

  /** A message's deadline: the deadline check is due by then. */
  _armDeadline(at: number): void {
    if (at >= this._expiresAt) return;
    this._expiresAt = at;
    if (at < this.#timerAt) this._reschedule();
  }

  readonly #tick = (): void => {
    this.#timerAt = Infinity;
    const now = this._o.clock.now();
    if (now >= this._connectBy) {
      this._connectBy = Infinity;
      this._connectTimedOut();
    }
    if (now >= this._retryAt) {
      this._retryAt = Infinity;
      void this._attempt();
    }
    this.#checkHeartbeat(now, false);
    if (now >= this._receiptsAt) {
      const { probe, next } = this._outbox._overdue(now, this._o.receiptTimeoutMs);
      this._receiptsAt = next;
      if (probe) this._probe();
    }
    if (now >= this._expiresAt) {
      this._expiresAt = Infinity;
      this._armDeadline(this._outbox._expire(now));
    }
    if (now >= this._drainPollAt) this.#pollDrain();
    this._reschedule();
  };

  /** The socket is gone: a new one starts with an empty buffer and its own liveness. */
  _stopLink(): void {
    this.#beating = false;
    this._pingSentAt = undefined;
    this._connectBy = this._receiptsAt = this._drainPollAt = Infinity;
    this._paused = false;
    this._reschedule();
  }

  /** Client closed: nothing is due any more; every waiter for room is rejected. */
  _stopAll(error: () => Error): void {
    this._stopLink();
    this._retryAt = this._expiresAt = Infinity;
    this._reschedule();
    for (const w of this.#roomWaiters.splice(0)) w.reject(error());
  }

  // ------------------------------------------------------------------ heartbeat

  /** Starts watching a freshly opened socket; the open counts as received traffic. */
  _startHeartbeat(): void {
    this.#beating = true;
    this._alive();
    this._reschedule();
  }

  /** Adopts the server's settings (from `welcome.hb`). */
  _configureHeartbeat(interval: number, timeout: number): void {
    this.#interval = interval;
    this.#timeout = timeout;
    this._reschedule();
  }

  /** Any received byte: the peer is alive. No timer work: the check reads it when it fires. */
  _alive(): void {
    this._lastReceivedAt = this._o.clock.now();
    this._pingSentAt = undefined;
  }

  /** A `pong` answered one of our pings: record the round-trip time. */
  _pong(ts: number): void {
    const rtt = this._o.clock.now() - ts;
    if (rtt >= 0 && Number.isFinite(rtt)) this._rtt = rtt;
  }

  /**
   * Asks the peer now instead of waiting for the interval: sends a ping unless one is already
   * outstanding; the check follows `timeout` after it.
   */
  _probe(): void {
    this.#checkHeartbeat(this._o.clock.now(), true);
    this._reschedule();
  }

  /** Before sending after a long idle, ask whether the link is still there (issue 4). */
  _probeIfIdle(now: number): void {
    if (this._sessionOpen && now - this._lastReceivedAt >= this.#interval) {
      this._probe();
    }
  }

  /** Next check: when the ping falls due, or when an outstanding ping would make us dead. */
  #heartbeatDue(): number {
    if (!this.#beating) return Infinity;
    const sent = this._pingSentAt;
    return sent === undefined ? this._lastReceivedAt + this.#interval : sent + this.#timeout;
  }

  /**
   * The heartbeat check, run by the timer and by `_probe()`: a ping unanswered for `timeout`
   * means the link is dead; without one outstanding, a ping goes out after `interval` of
   * silence, or at once when probing.
   */
  #checkHeartbeat(now: number, probe: boolean): void {
    const sent = this._pingSentAt;
    if (!this.#beating) return;
    if (sent !== undefined) {
      if (now - sent >= this.#timeout) this.#declareDead(now);
    } else if (probe || now - this._lastReceivedAt >= this.#interval) this.#ping(now);
  }

  #ping(now: number): void {
    this._pingSentAt = now;
    this._sendRaw({ k: 'ping', ts: now });
  }

  /** The link is dead: replace it now, without waiting for the socket's close event. */
  #declareDead(now: number): void {
    const silent = now - this._lastReceivedAt;
    this.#beating = false;
    this._lose(CLOSE_HEARTBEAT_TIMEOUT, `no frame for ${silent} ms`, 'heartbeat-timeout');
  }

  // ------------------------------------------------------------------ writing

  /** Writes queued messages while the session, the window and backpressure allow. */
  _flush(): void {
    if (this._sessionOpen) this._outbox._flush();
  }

  /** The outbox's write hook: a written message is watched for its receipt. */
  _write(entry: OutboxEntry): boolean {
    if (!this._writeFrame(entry._frame, entry._bytes)) return false;
    if (this._receiptsAt === Infinity) {
      this._receiptsAt = this._o.clock.now() + this._o.receiptTimeoutMs;
      if (this._receiptsAt < this.#timerAt) this._reschedule();
    }
    return true;
  }

  /** The outbox's settled hook: a settled id may move the window's floor, and free room. */
  _settled(): void {
    this._flush();
    this._checkRoom();
  }

  /** Writes one frame if a session is open and the socket is not backed up. */
  _writeFrame(frame: string | Uint8Array, bytes: number): boolean {
    return this._sessionOpen && this.#canWrite() && this.#send(frame, bytes);
  }

  /** Writes a control frame (hello, ping, pong) on the current socket, if it is open. */
  _sendRaw(env: ClientEnvelope): void {
    const frame = encode(env);
    this.#send(frame, frameSize(frame));
  }

  /** Writes one frame of `bytes` and counts it; false when the socket refused it (closing, or not open). */
  #send(frame: string | Uint8Array, bytes: number): boolean {
    const ws = this._ws;
    if (!ws || ws.readyState !== OPEN) return false;
    try {
      ws.send(frame);
    } catch {
      return false;
    }
    this._counters.bytesOut += bytes;
    this._counters.framesOut++;
    return true;
  }

  // ------------------------------------------------------------------ flow control

  /** Gate before each write: false, and start polling, while the socket is backed up. */
  #canWrite(): boolean {
    if (this._paused) return false;
    if ((this._ws?.bufferedAmount ?? 0) <= this._o.highWaterMark) return true;
    this._paused = true;
    this._drainPollAt = this._o.clock.now() + DRAIN_POLL_MS;
    this._reschedule();
    return false;
  }

  #pollDrain(): void {
    this._drainPollAt = Infinity;
    if (!this._paused) return;
    if ((this._ws?.bufferedAmount ?? 0) > this._o.lowWaterMark) {
      this._drainPollAt = this._o.clock.now() + DRAIN_POLL_MS;
      return;
    }
    this._paused = false;
    this._flush();
    this._checkRoom();
  }

  /** True when a message can be accepted and written without waiting. */
  #hasRoom(): boolean {
    return !this._paused && this._outbox._hasRoom();
  }

  /** Resolves once there is room; rejects with `CLOSED` on close. */
  _waitForRoom(closed: () => Error): Promise<void> {
    if (this._closeError) return Promise.reject(closed());
    if (this.#hasRoom()) return Promise.resolve();
    this._blocked = true;
    return new Promise((resolve, reject) => this.#roomWaiters.push({ resolve, reject }));
  }

  /** Something settled or drained: wake whoever waits for room, and emit `drain` if refused. */
  _checkRoom(): void {
    if (!this.#hasRoom()) return;
    for (const w of this.#roomWaiters.splice(0)) w.resolve();
    if (this._blocked) {
      this._blocked = false;
      this._emit('drain');
    }
  }
}
