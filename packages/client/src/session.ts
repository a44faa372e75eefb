/**
 * The connection engine behind `AckwireClient`: socket attempts, the hello/welcome handshake,
 * heartbeat, reconnect with backoff, lifecycle hooks. It owns the state machine and every
 * timer; `shutdown` is the one teardown path.
 * @internal
 */
import {
  CloseCode,
  SUBPROTOCOL,
  encode,
  type ClientEnvelope,
  type HelloSubscription,
  type WelcomeEnvelope,
} from '@ackwire/protocol';
import { AuthState } from './auth.js';
import { backoffDelay, type BackoffSettings } from './backoff.js';
import { decideAfterClose, isVersionRefusal } from './close-policy.js';
import { Connection } from './connection.js';
import { frameSize } from './encoding.js';
import { clientError, type AckwireClientError } from './errors.js';
import { FlowControl } from './flow.js';
import { adoptWelcome, buildHello } from './handshake.js';
import { Heartbeat } from './heartbeat.js';
import { defaultLifecycleTarget, isOffline, watchLifecycle } from './lifecycle.js';
import type { ResolvedOptions } from './options.js';
import type { Outbox, OutboxEntry } from './outbox.js';
import { ReceiptWatch } from './receipt-watch.js';
import { receiveFrame, type ReceiveTargets } from './receive.js';
import { StateMachine, type ClientState, type StateReason } from './state.js';
import type { SubscriptionRegistry } from './subscriptions.js';
import { Timer } from './timer.js';
import type { Emit } from './emit.js';
import type { ClientEvents, SessionInfo } from './types.js';
import type { ResolvedUrl } from './url.js';
import type { ErrorEventLike, WebSocketConstructor } from './websocket.js';

/** How long `close()` waits for the socket's close handshake before giving up on it. */
const CLOSE_WAIT_MS = 1000;

/** Counters behind `stats()`. @internal */
export interface Counters {
  reconnects: number;
  bytesIn: number;
  bytesOut: number;
  framesIn: number;
  framesOut: number;
}

/** One client's connection engine. @internal */
export class Session {
  readonly machine: StateMachine;
  readonly heartbeat: Heartbeat;
  readonly flow: FlowControl;
  readonly counters: Counters = {
    reconnects: 0,
    bytesIn: 0,
    bytesOut: 0,
    framesIn: 0,
    framesOut: 0,
  };
  info: SessionInfo | undefined;
  #conn: Connection | undefined;
  #attemptSeq = 0;
  #sessionOpen = false;
  #everOpened = false;
  #retryAttempt = 0;
  #offline: boolean;
  #goawayAfter: number | undefined;
  readonly #auth: AuthState;
  #sentSubs: HelloSubscription[] = [];
  readonly #reconnectTimer: Timer;
  readonly #connectTimer: Timer;
  readonly #receipts: ReceiptWatch;
  readonly #unwatch: () => void;
  #readyWaiters: { resolve(): void; reject(e: Error): void }[] = [];
  #closeError: AckwireClientError | undefined;

  readonly #url: ResolvedUrl;
  readonly #opts: ResolvedOptions;
  readonly #cid: string;
  readonly #outbox: Outbox;
  readonly #registry: SubscriptionRegistry;
  readonly #emit: Emit;

  constructor(
    url: ResolvedUrl,
    opts: ResolvedOptions,
    cid: string,
    outbox: Outbox,
    registry: SubscriptionRegistry,
    emit: Emit,
  ) {
    this.#url = url;
    this.#opts = opts;
    this.#cid = cid;
    this.#outbox = outbox;
    this.#registry = registry;
    this.#emit = emit;
    const clock = opts.clock;
    this.#auth = new AuthState(opts.auth);
    this.machine = new StateMachine('idle', (change) => this.#emit('state', change));
    this.heartbeat = new Heartbeat(
      clock,
      {
        sendPing: (ts) => this.#sendRaw({ k: 'ping', ts }),
        dead: (silentMs) => {
          if (!this.#conn) return;
          const reason = `no frame for ${silentMs} ms`;
          this.#lose(this.#conn, CloseCode.HEARTBEAT_TIMEOUT, reason, 'heartbeat-timeout');
        },
      },
      opts.heartbeatIntervalMs,
      opts.heartbeatTimeoutMs,
    );
    this.flow = new FlowControl(clock, opts.highWaterMark, opts.lowWaterMark, {
      buffered: () => this.socketBuffered,
      outboxHasRoom: () => this.#outbox.hasRoom(),
      resume: () => this.flush(),
      drain: () => this.#emit('drain'),
    });
    this.#receipts = new ReceiptWatch(clock, opts.receiptTimeoutMs, outbox, () =>
      this.heartbeat.probe(),
    );
    this.#reconnectTimer = new Timer(clock, () => void this.#attempt());
    // Covers the whole attempt, `auth` included: a token provider that never answers must not
    // stall the client forever.
    this.#connectTimer = new Timer(clock, () => {
      const ms = opts.connectTimeoutMs;
      this.#emit('error', clientError('CONNECT_TIMEOUT', `no welcome within ${ms} ms`));
      if (this.#conn) {
        this.#lose(this.#conn, CloseCode.ABNORMAL, 'connect timeout', 'connect-timeout');
      } else {
        this.#attemptSeq++; // the pending auth answer is now stale
        this.#scheduleRetry(this.#backoffDelay());
      }
    });
    const target = opts.lifecycle === undefined ? defaultLifecycleTarget() : opts.lifecycle;
    this.#offline = isOffline(target);
    this.#unwatch = watchLifecycle(target, {
      online: () => this.#online(),
      offline: () => this.#goOffline(),
      visible: () => this.heartbeat.probe(),
    });
  }

  get state(): ClientState {
    return this.machine.state;
  }

  /** True while a session is established (welcome received on the current socket). */
  get isOpen(): boolean {
    return this.#sessionOpen;
  }

  /** Bytes in the socket's send buffer. */
  get socketBuffered(): number {
    return this.#conn?.bufferedAmount ?? 0;
  }

  /** Starts connecting (from `idle`). */
  connect(): void {
    if (this.machine.state !== 'idle') return;
    this.machine.setState('connecting', 'connect');
    void this.#attempt();
  }

  // ------------------------------------------------------------------ attempts

  /** True when attempt `attempt` was superseded (or the client closed) while it awaited. */
  #isStale(attempt: number): boolean {
    return attempt !== this.#attemptSeq || this.#closeError !== undefined;
  }

  async #attempt(): Promise<void> {
    if (this.#closeError || this.#conn || this.#offline) return; // offline: `online` resumes
    const attempt = ++this.#attemptSeq;
    this.#connectTimer.start(this.#opts.connectTimeoutMs);
    try {
      await this.#auth.next();
    } catch (error) {
      if (this.#isStale(attempt)) return;
      const e = error as AckwireClientError;
      if (e.code === 'AUTH_REJECTED') {
        this.#fail(e, 'auth-rejected');
        return;
      }
      this.#emit('error', e);
      this.#connectTimer.stop();
      this.#scheduleRetry(this.#backoffDelay());
      return;
    }
    if (this.#isStale(attempt) || this.#conn) return;
    const WS =
      this.#opts.WebSocket ?? (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket;
    if (typeof WS !== 'function') {
      this.#fail(
        clientError('NO_WEBSOCKET', 'no WebSocket: pass options.WebSocket'),
        'fatal-close',
      );
      return;
    }
    try {
      this.#conn = new Connection(attempt, WS, this.#url.href, {
        open: (c) => this.#onOpen(c),
        frame: (c, data) => this.#onFrame(c, data),
        close: (c, code, reason) =>
          this.#lose(c, code, reason, this.#goawayAfter === undefined ? 'socket-closed' : 'goaway'),
        error: (c, event) => this.#onSocketError(c, event),
        alive: (c) => {
          if (c === this.#conn) this.heartbeat.received();
        },
      });
    } catch (cause) {
      this.#fail(
        clientError('INVALID_URL', `refused: ${this.#url.href}`, { cause }),
        'fatal-close',
      );
      return;
    }
  }

  #backoffSettings(): BackoffSettings {
    const o = this.#opts;
    return {
      baseMs: o.backoffBaseMs,
      capMs: o.backoffCapMs,
      retryLaterJitterMs: o.retryLaterJitterMs,
    };
  }

  #backoffDelay(): number {
    return backoffDelay(this.#retryAttempt, this.#backoffSettings(), this.#opts.random);
  }

  #scheduleRetry(delayMs: number, code?: number): void {
    if (this.#closeError || this.#offline) return;
    const info: Parameters<ClientEvents['retry']>[0] = { attempt: this.#retryAttempt, delayMs };
    if (code !== undefined) info.code = code;
    this.#retryAttempt++;
    this.#reconnectTimer.start(delayMs);
    this.#emit('retry', info);
  }

  #onOpen(conn: Connection): void {
    if (conn !== this.#conn) return;
    if (conn.protocol !== SUBPROTOCOL) {
      this.#conn = undefined;
      conn.drop(CloseCode.UNSUPPORTED_VERSION, `${SUBPROTOCOL} required`);
      const error = clientError('VERSION_UNSUPPORTED', `subprotocol: got "${conn.protocol}"`);
      this.#fail(error, 'version-unsupported', CloseCode.UNSUPPORTED_VERSION);
      return;
    }
    this.heartbeat.start();
    const { hello, subs } = buildHello(this.#cid, this.#auth.token, this.#outbox, this.#registry);
    this.#sentSubs = subs;
    this.#sendRaw(hello);
  }

  #onSocketError(conn: Connection, event: ErrorEventLike): void {
    if (conn !== this.#conn) return;
    const message = typeof event.message === 'string' ? event.message : '';
    if (isVersionRefusal(message)) {
      this.#conn = undefined;
      conn.drop(CloseCode.NORMAL);
      const error = clientError('VERSION_UNSUPPORTED', message);
      this.#fail(error, 'version-unsupported');
    }
  }

  // ------------------------------------------------------------------ receiving

  #onFrame(conn: Connection, data: unknown): void {
    if (conn !== this.#conn) return;
    receiveFrame(data, this.#opts.decodeLimits, this.#targets);
  }

  /** Where received frames go: built once, not per frame (every receipt is a frame). */
  readonly #targets: ReceiveTargets = {
    emit: (event, ...args) => this.#emit(event, ...args),
    received: (bytes) => {
      this.counters.bytesIn += bytes;
      this.counters.framesIn++;
      this.heartbeat.received();
    },
    // #onFrame checked that the frame came from the current connection.
    welcome: (env) => this.#conn && this.#onWelcome(this.#conn, env),
    settle: (id, outcome) => this.#outbox.settle(id, outcome),
    event: (env) => this.#registry.deliver(env),
    goaway: (after) => (this.#goawayAfter = after),
    ping: (ts) => this.#sendRaw({ k: 'pong', ts }),
    pong: (ts) => this.heartbeat.pong(ts),
  };

  #onWelcome(conn: Connection, env: WelcomeEnvelope): void {
    if (this.#sessionOpen) return;
    this.#connectTimer.stop();
    this.#sessionOpen = true;
    this.info = adoptWelcome(env, this.#opts, this.heartbeat, this.#outbox);
    // Attempts reset only here, on the server's session reply, never on a bare socket open.
    this.#retryAttempt = 0;
    this.#auth.accepted();
    this.#goawayAfter = undefined;
    if (this.#everOpened) this.counters.reconnects++;
    this.#everOpened = true;
    this.machine.setState('open', 'welcome');
    this.#emit('open', { ...this.info });
    if (conn !== this.#conn) return; // a listener closed the client
    this.#registry.applyWelcome(this.#sentSubs, env.subs);
    this.flush();
    for (const w of this.#readyWaiters.splice(0)) w.resolve();
  }

  // ------------------------------------------------------------------ losing a socket

  /**
   * The current socket is gone (closed, dead, timed out): detach it at once (the next socket
   * does not wait for its close event), put in-flight messages back at the head of the queue,
   * and reconnect or stop as the close code's class says.
   */
  #lose(conn: Connection, code: number, reason: string, why: StateReason): void {
    if (conn !== this.#conn) return;
    this.#conn = undefined;
    conn.drop(code === CloseCode.HEARTBEAT_TIMEOUT ? code : CloseCode.NORMAL, reason, true);
    this.#sessionOpen = false;
    this.heartbeat.stop();
    this.#connectTimer.stop();
    this.#receipts.stop();
    this.flow.reset();
    this.#outbox.requeueInFlight();
    const decision = decideAfterClose({
      code,
      reason,
      goawayAfter: this.#goawayAfter,
      attempt: this.#retryAttempt,
      backoff: this.#backoffSettings(),
      random: this.#opts.random,
      authRejected: () => this.#auth.rejected(),
    });
    this.#goawayAfter = undefined;
    if (decision.action === 'stop') {
      this.#fail(decision.error, decision.reason, code);
      return;
    }
    if (decision.error) this.#emit('error', decision.error);
    if (this.machine.state === 'open') {
      this.machine.setState('reconnecting', decision.reason ?? why, code);
    }
    this.#scheduleRetry(decision.delayMs, code);
  }

  // ------------------------------------------------------------------ lifecycle

  #online(): void {
    this.#offline = false;
    if (this.#closeError || this.machine.state === 'idle') return;
    if (this.#sessionOpen) {
      this.heartbeat.probe();
    } else if (!this.#conn) {
      // Resume at once: the backoff was about a network that was not there.
      this.#reconnectTimer.stop();
      this.#retryAttempt = 0;
      void this.#attempt();
    }
  }

  #goOffline(): void {
    this.#offline = true;
    this.#reconnectTimer.stop();
    if (this.#sessionOpen) this.heartbeat.probe();
  }

  // ------------------------------------------------------------------ sending

  /** Writes queued messages while the session, the window and backpressure allow. */
  flush(): void {
    if (this.#sessionOpen) this.#outbox.flush();
  }

  /** The outbox's write hook. */
  write(entry: OutboxEntry): boolean {
    if (!this.writeFrame(entry.frame, entry.bytes)) return false;
    this.#receipts.written();
    return true;
  }

  /** Writes one frame if a session is open and the socket is not backed up. */
  writeFrame(frame: string | Uint8Array, bytes: number): boolean {
    const conn = this.#conn;
    if (!this.#sessionOpen || !conn || !this.flow.canWrite() || !conn.send(frame)) return false;
    this.counters.bytesOut += bytes;
    this.counters.framesOut++;
    return true;
  }

  /** Before sending after a long idle, ask whether the link is still there (issue 4). */
  probeIfIdle(): void {
    if (this.#sessionOpen && this.heartbeat.silentFor() >= this.heartbeat.settings.interval) {
      this.heartbeat.probe();
    }
  }

  #sendRaw(env: ClientEnvelope): void {
    const frame = encode(env);
    if (this.#conn?.send(frame)) {
      this.counters.bytesOut += frameSize(frame);
      this.counters.framesOut++;
    }
  }

  /** Resolves once a session is open; rejects with `CLOSED` on close. */
  ready(): Promise<void> {
    if (this.#closeError) return Promise.reject(this.closedError());
    if (this.#sessionOpen) return Promise.resolve();
    return new Promise((resolve, reject) => this.#readyWaiters.push({ resolve, reject }));
  }

  /** Resolves once there is room; rejects with `CLOSED` on close. */
  waitForRoom(): Promise<void> {
    if (this.#closeError) return Promise.reject(this.closedError());
    return this.flow.waitForRoom();
  }

  // ------------------------------------------------------------------ teardown

  /** The error operations reject with after close (its cause: what closed the client). */
  closedError(): AckwireClientError {
    const cause = this.#closeError;
    if (!cause || cause.code === 'CLOSED') return clientError('CLOSED', 'client closed');
    return clientError('CLOSED', `client closed: ${cause.message}`, { cause });
  }

  #fail(error: AckwireClientError, reason: StateReason, code?: number): void {
    this.#emit('error', error);
    void this.shutdown(error, reason, code);
  }

  /**
   * The one teardown path: state `closed`, every timer and listener cleared, every pending
   * promise settled with `CLOSED`, the socket closed cleanly.
   */
  shutdown(error: AckwireClientError, reason: StateReason, code?: number): Promise<void> {
    if (this.#closeError) return Promise.resolve();
    this.#closeError = error;
    this.#attemptSeq++;
    const conn = this.#conn;
    this.#conn = undefined;
    this.#sessionOpen = false;
    this.heartbeat.stop();
    this.#reconnectTimer.stop();
    this.#connectTimer.stop();
    this.#receipts.stop();
    this.flow.close(() => this.closedError());
    this.#unwatch();
    this.machine.setState('closed', reason, code);
    this.#outbox.rejectAll(() => this.closedError());
    this.#registry.clear();
    for (const w of this.#readyWaiters.splice(0)) w.reject(this.closedError());
    if (!conn) return Promise.resolve();
    return conn.closeGracefully(CloseCode.NORMAL, 'client closed', CLOSE_WAIT_MS, this.#opts.clock);
  }
}
