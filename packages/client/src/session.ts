/**
 * The connection engine behind {@link AckwireClient}: socket attempts, the hello/welcome
 * handshake, heartbeat, reconnect with backoff, lifecycle hooks and flow control. It owns the
 * state machine and every timer; `shutdown` is the one teardown path.
 * @internal
 */
import {
  CloseCode,
  SUBPROTOCOL,
  classifyClose,
  decodeServerFrame,
  encode,
  type ClientEnvelope,
  type Frame,
  type HelloEnvelope,
  type HelloSubscription,
  type ServerEnvelope,
} from '@ackwire/protocol';
import { backoffDelay, retryLaterDelay } from './backoff.js';
import { Connection } from './connection.js';
import { frameSize } from './encoding.js';
import { clientError, ServerError, type AckwireClientError } from './errors.js';
import { Heartbeat } from './heartbeat.js';
import { defaultLifecycleTarget, isOffline, watchLifecycle } from './lifecycle.js';
import type { ResolvedOptions } from './options.js';
import type { Outbox, OutboxEntry } from './outbox.js';
import { StateMachine, type ClientState, type StateReason } from './state.js';
import type { SubscriptionRegistry } from './subscriptions.js';
import { Timer } from './timer.js';
import type { ClientEvents, SessionInfo } from './types.js';
import type { ResolvedUrl } from './url.js';
import type { ErrorEventLike, WebSocketConstructor } from './websocket.js';

/** Typed emit of the client's events (listener errors are handled by the client). @internal */
export type Emit = <E extends keyof ClientEvents>(
  event: E,
  ...args: Parameters<ClientEvents[E]>
) => void;

/** How often a paused writer polls `bufferedAmount`: browsers have no drain event. */
const DRAIN_POLL_MS = 20;
/** How long `close()` waits for the socket's close handshake before giving up on it. */
const CLOSE_WAIT_MS = 1000;
/** Consecutive token refusals after which a refreshing `auth` function is given up on. */
const MAX_AUTH_REJECTIONS = 3;

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
  readonly counters: Counters = {
    reconnects: 0,
    bytesIn: 0,
    bytesOut: 0,
    framesIn: 0,
    framesOut: 0,
  };
  info: SessionInfo | undefined;
  private conn: Connection | undefined;
  private attemptSeq = 0;
  private sessionOpen = false;
  private everOpened = false;
  private retryAttempt = 0;
  private offline: boolean;
  private flowPaused = false;
  private goawayAfter: number | undefined;
  private token: string | undefined;
  private readonly rejectedTokens = new Set<string>();
  private authRejections = 0;
  private sentSubs: HelloSubscription[] = [];
  private readonly timers: Timer[];
  private readonly reconnectTimer: Timer;
  private readonly connectTimer: Timer;
  private readonly receiptTimer: Timer;
  private readonly drainTimer: Timer;
  private readonly unwatch: () => void;
  private readyWaiters: { resolve(): void; reject(e: Error): void }[] = [];
  private roomWaiters: { resolve(): void; reject(e: Error): void }[] = [];
  private roomBlocked = false;
  private closeError: AckwireClientError | undefined;

  constructor(
    private readonly url: ResolvedUrl,
    private readonly opts: ResolvedOptions,
    private readonly cid: string,
    private readonly outbox: Outbox,
    private readonly registry: SubscriptionRegistry,
    private readonly emit: Emit,
  ) {
    const clock = opts.clock;
    this.machine = new StateMachine('idle', (change) => this.emit('state', change));
    this.heartbeat = new Heartbeat(
      clock,
      {
        sendPing: (ts) => this.sendRaw({ k: 'ping', ts }),
        dead: (silentMs) => {
          if (this.conn)
            this.lose(
              this.conn,
              CloseCode.HEARTBEAT_TIMEOUT,
              `silent for ${silentMs} ms`,
              'heartbeat-timeout',
            );
        },
      },
      opts.heartbeatIntervalMs,
      opts.heartbeatTimeoutMs,
    );
    this.reconnectTimer = new Timer(clock, () => void this.attempt());
    this.connectTimer = new Timer(clock, () => {
      if (!this.conn) return;
      this.emit(
        'error',
        clientError('CONNECT_TIMEOUT', `no welcome within ${opts.connectTimeoutMs} ms`),
      );
      this.lose(this.conn, CloseCode.ABNORMAL, 'connect timeout', 'connect-timeout');
    });
    this.receiptTimer = new Timer(clock, () => this.checkReceipts());
    this.drainTimer = new Timer(clock, () => this.pollDrain());
    this.timers = [this.reconnectTimer, this.connectTimer, this.receiptTimer, this.drainTimer];
    const target = opts.lifecycle === undefined ? defaultLifecycleTarget() : opts.lifecycle;
    this.offline = isOffline(target);
    this.unwatch = watchLifecycle(target, {
      online: () => this.online(),
      offline: () => this.goOffline(),
      visible: () => this.heartbeat.probe(),
    });
  }

  get state(): ClientState {
    return this.machine.state;
  }

  /** True while a session is established (welcome received on the current socket). */
  get isOpen(): boolean {
    return this.sessionOpen;
  }

  /** Bytes in the socket's send buffer. */
  get socketBuffered(): number {
    return this.conn?.bufferedAmount ?? 0;
  }

  /** Starts connecting (from `idle`). */
  connect(): void {
    if (this.machine.state !== 'idle') return;
    this.machine.setState('connecting', 'connect');
    void this.attempt();
  }

  // ------------------------------------------------------------------ attempts

  private async attempt(): Promise<void> {
    if (this.machine.state === 'closed' || this.conn) return;
    if (this.offline) return; // paused; `online` resumes
    const attempt = ++this.attemptSeq;
    let token: string | undefined;
    try {
      token = await this.resolveToken();
    } catch (cause) {
      if (this.isStale(attempt)) return;
      this.emit(
        'error',
        clientError('AUTH_FAILED', 'options.auth failed; retrying with backoff', { cause }),
      );
      this.scheduleRetry(backoffDelay(this.retryAttempt, this.backoff, this.opts.random));
      return;
    }
    if (this.isStale(attempt) || this.conn) return;
    if (token !== undefined && this.rejectedTokens.has(token)) {
      this.fail(
        clientError('AUTH_REJECTED', 'options.auth returned a token the server already refused'),
        'auth-rejected',
      );
      return;
    }
    this.token = token;
    const WS =
      this.opts.WebSocket ?? (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket;
    if (typeof WS !== 'function') {
      this.fail(
        clientError(
          'NO_WEBSOCKET',
          'no WebSocket: pass options.WebSocket (e.g. from the ws package)',
        ),
        'fatal-close',
      );
      return;
    }
    try {
      this.conn = new Connection(attempt, WS, this.url.href, {
        open: (c) => this.onOpen(c),
        frame: (c, data) => this.onFrame(c, data),
        close: (c, code, reason) =>
          this.lose(c, code, reason, this.goawayAfter === undefined ? 'socket-closed' : 'goaway'),
        error: (c, event) => this.onSocketError(c, event),
      });
    } catch (cause) {
      this.fail(
        clientError('INVALID_URL', `the WebSocket constructor refused ${this.url.href}`, { cause }),
        'fatal-close',
      );
      return;
    }
    this.connectTimer.start(this.opts.connectTimeoutMs);
  }

  /** True when attempt `attempt` was superseded (or the client closed) while it awaited. */
  private isStale(attempt: number): boolean {
    return attempt !== this.attemptSeq || this.closeError !== undefined;
  }

  private async resolveToken(): Promise<string | undefined> {
    const auth = this.opts.auth;
    if (auth === undefined || typeof auth === 'string') return auth;
    const token = await auth();
    if (typeof token !== 'string')
      throw new TypeError(`options.auth returned ${typeof token}, not a string`);
    return token;
  }

  private get backoff(): { baseMs: number; capMs: number } {
    return { baseMs: this.opts.backoffBaseMs, capMs: this.opts.backoffCapMs };
  }

  private scheduleRetry(delayMs: number, code?: number): void {
    if (this.machine.state === 'closed' || this.offline) return;
    const info: Parameters<ClientEvents['retry']>[0] = { attempt: this.retryAttempt, delayMs };
    if (code !== undefined) info.code = code;
    this.retryAttempt++;
    this.reconnectTimer.start(delayMs);
    this.emit('retry', info);
  }

  private onOpen(conn: Connection): void {
    if (conn !== this.conn) return;
    if (conn.protocol !== SUBPROTOCOL) {
      this.conn = undefined;
      conn.drop(CloseCode.UNSUPPORTED_VERSION, 'ackwire.v1 required');
      this.fail(
        clientError(
          'VERSION_UNSUPPORTED',
          `the server selected subprotocol "${conn.protocol}", not ${SUBPROTOCOL}`,
        ),
        'version-unsupported',
        CloseCode.UNSUPPORTED_VERSION,
      );
      return;
    }
    this.heartbeat.start();
    // Pending sub/unsub are superseded: the registry's topics travel in hello.subs.
    this.outbox.discardQueued(
      (e) => e.kind === 'sub' || e.kind === 'unsub',
      () => clientError('CLOSED', 'superseded by hello.subs'),
    );
    this.sentSubs = this.registry.helloSubs();
    const hello: HelloEnvelope = { k: 'hello', cid: this.cid, floor: this.outbox.floor };
    if (this.token !== undefined) hello.token = this.token;
    if (this.sentSubs.length > 0) hello.subs = this.sentSubs;
    this.sendRaw(hello);
  }

  private onSocketError(conn: Connection, event: ErrorEventLike): void {
    if (conn !== this.conn) return;
    // Node's ws exposes the HTTP status of a refused upgrade (docs/protocol.md §1); browsers
    // cannot see it, and there a refusal looks like a network failure and is retried.
    const message = typeof event.message === 'string' ? event.message : '';
    if (/Unexpected server response: 426|Server sent (no|an invalid) subprotocol/.test(message)) {
      this.conn = undefined;
      conn.drop(CloseCode.NORMAL);
      this.fail(
        clientError('VERSION_UNSUPPORTED', `the server refused ${SUBPROTOCOL}: ${message}`),
        'version-unsupported',
      );
    }
  }

  // ------------------------------------------------------------------ receiving

  private onFrame(conn: Connection, data: unknown): void {
    if (conn !== this.conn) return;
    this.counters.bytesIn += frameSize(data);
    this.counters.framesIn++;
    this.heartbeat.received();
    let env: ServerEnvelope;
    try {
      env = decodeServerFrame(data as Frame, this.opts.decodeLimits);
    } catch (error) {
      // Bad input is reported, never thrown out of a socket handler (docs/protocol.md §6).
      this.emit('error', error as AckwireClientError);
      return;
    }
    this.dispatch(conn, env);
  }

  private dispatch(conn: Connection, env: ServerEnvelope): void {
    switch (env.k) {
      case 'welcome': {
        if (this.sessionOpen) return;
        this.connectTimer.stop();
        this.sessionOpen = true;
        this.info = {
          sid: env.sid,
          resumed: env.resumed,
          heartbeat: { ...env.hb },
          limits: { ...env.limits },
          ttl: env.ttl,
        };
        this.heartbeat.configure(env.hb.interval, env.hb.timeout);
        this.outbox.window = Math.min(this.opts.maxInFlight, env.limits.maxInFlight);
        this.outbox.maxBytes = Math.min(this.opts.maxMessageBytes, env.limits.maxBytes);
        if (env.ttl > 0) this.outbox.clampDeadlines(env.ttl);
        this.retryAttempt = 0;
        this.authRejections = 0;
        this.goawayAfter = undefined;
        if (this.everOpened) this.counters.reconnects++;
        this.everOpened = true;
        this.machine.setState('open', 'welcome');
        this.emit('open', { ...this.info });
        if (conn !== this.conn) return; // a listener closed the client
        this.registry.applyWelcome(this.sentSubs, env.subs);
        this.flush();
        for (const w of this.readyWaiters.splice(0)) w.resolve();
        return;
      }
      case 'ack':
        this.outbox.settle(
          env.id,
          env.ok
            ? { ok: true, data: env.data }
            : { ok: false, error: new ServerError(env.err.code, env.err.message, { id: env.id }) },
        );
        return;
      case 'push': {
        const message: Parameters<ClientEvents['message']>[0] = { type: env.type, data: env.data };
        if (env.from !== undefined) message.from = env.from;
        this.emit('message', message);
        return;
      }
      case 'event':
        this.registry.deliver(env);
        return;
      case 'goaway':
        this.goawayAfter = env.after;
        return;
      case 'error':
        this.emit('error', new ServerError(env.err.code, env.err.message));
        return;
      case 'ping':
        this.sendRaw({ k: 'pong', ts: env.ts });
        return;
      case 'pong':
        this.heartbeat.pong(env.ts);
        return;
    }
  }

  // ------------------------------------------------------------------ losing a socket

  /**
   * The current socket is gone (closed, dead, timed out): detach it at once, put in-flight
   * messages back in the queue, and reconnect or stop as the close code's class says.
   */
  private lose(conn: Connection, code: number, reason: string, why: StateReason): void {
    if (conn !== this.conn) return;
    this.conn = undefined;
    conn.drop(code === CloseCode.HEARTBEAT_TIMEOUT ? code : CloseCode.NORMAL, reason, true);
    this.sessionOpen = false;
    this.heartbeat.stop();
    for (const t of this.timers) t.stop();
    this.flowPaused = false;
    this.outbox.requeueInFlight();
    const action = classifyClose(code);
    if (action === 'fatal') {
      this.onFatalClose(code, reason);
      return;
    }
    if (this.machine.state === 'open') this.machine.setState('reconnecting', why, code);
    const delay =
      action === 'retry-later'
        ? retryLaterDelay(this.goawayAfter, this.backoff, this.opts.random)
        : backoffDelay(this.retryAttempt, this.backoff, this.opts.random);
    this.goawayAfter = undefined;
    this.scheduleRetry(delay, code);
  }

  private onFatalClose(code: number, reason: string): void {
    const detail = reason ? `: ${reason}` : '';
    if (code === CloseCode.UNAUTHORIZED) {
      const refreshable = typeof this.opts.auth === 'function' && this.token !== undefined;
      if (this.token !== undefined) this.rejectedTokens.add(this.token);
      this.authRejections++;
      const error = clientError(
        'AUTH_REJECTED',
        `the server refused the auth token (close 4001${detail})`,
        { closeCode: code },
      );
      if (refreshable && this.authRejections < MAX_AUTH_REJECTIONS) {
        // Only that token is dead: ask `auth` for a fresh one, after a backoff so a server
        // that refuses everything sees no storm.
        this.emit('error', error);
        if (this.machine.state === 'open')
          this.machine.setState('reconnecting', 'auth-rejected', code);
        this.scheduleRetry(backoffDelay(this.retryAttempt, this.backoff, this.opts.random), code);
        return;
      }
      this.fail(error, 'auth-rejected', code);
      return;
    }
    if (code === CloseCode.UNSUPPORTED_VERSION) {
      this.fail(
        clientError('VERSION_UNSUPPORTED', `the server does not speak ${SUBPROTOCOL}${detail}`, {
          closeCode: code,
        }),
        'version-unsupported',
        code,
      );
      return;
    }
    this.fail(
      clientError('FATAL_CLOSE', `the server closed with fatal code ${code}${detail}`, {
        closeCode: code,
      }),
      'fatal-close',
      code,
    );
  }

  // ------------------------------------------------------------------ lifecycle

  private online(): void {
    this.offline = false;
    if (this.machine.state === 'closed' || this.machine.state === 'idle') return;
    if (this.sessionOpen) {
      this.heartbeat.probe();
      return;
    }
    if (!this.conn) {
      // Resume at once: the network is back, the backoff was about a network that was not.
      this.reconnectTimer.stop();
      this.retryAttempt = 0;
      void this.attempt();
    }
  }

  private goOffline(): void {
    this.offline = true;
    this.reconnectTimer.stop();
    if (this.sessionOpen) this.heartbeat.probe();
  }

  // ------------------------------------------------------------------ sending

  /** Writes queued messages while the session, the window and backpressure allow. */
  flush(): void {
    if (this.sessionOpen) this.outbox.flush();
  }

  /** The outbox's write hook. */
  write(entry: OutboxEntry): boolean {
    const conn = this.conn;
    if (!this.sessionOpen || !conn || this.flowPaused) return false;
    if (conn.bufferedAmount > this.opts.highWaterMark) {
      this.flowPaused = true;
      this.drainTimer.start(DRAIN_POLL_MS);
      return false;
    }
    if (!conn.send(entry.frame)) return false;
    this.counters.bytesOut += entry.bytes;
    this.counters.framesOut++;
    if (!this.receiptTimer.active) this.receiptTimer.start(this.opts.receiptTimeoutMs);
    return true;
  }

  /** Writes a volatile frame if it can go now; false when it was dropped. */
  writeVolatile(frame: string | Uint8Array, bytes: number): boolean {
    const conn = this.conn;
    if (
      !this.sessionOpen ||
      !conn ||
      this.flowPaused ||
      conn.bufferedAmount > this.opts.highWaterMark
    )
      return false;
    if (!conn.send(frame)) return false;
    this.counters.bytesOut += bytes;
    this.counters.framesOut++;
    return true;
  }

  /** Before sending after a long idle, ask whether the link is still there (issue 4). */
  probeIfIdle(): void {
    if (this.sessionOpen && this.heartbeat.silentFor() >= this.heartbeat.settings.interval)
      this.heartbeat.probe();
  }

  private sendRaw(env: ClientEnvelope): void {
    const frame = encode(env);
    if (this.conn?.send(frame)) {
      this.counters.bytesOut += frameSize(frame);
      this.counters.framesOut++;
    }
  }

  /** A receipt overdue on a live link is first a liveness question: probe, keep waiting. */
  private checkReceipts(): void {
    const oldest = this.outbox.oldestWrittenAt();
    if (oldest === undefined || !this.sessionOpen) return;
    const waited = this.opts.clock.now() - oldest;
    if (waited >= this.opts.receiptTimeoutMs) {
      this.heartbeat.probe();
      this.receiptTimer.start(this.opts.receiptTimeoutMs);
    } else {
      this.receiptTimer.start(this.opts.receiptTimeoutMs - waited);
    }
  }

  private pollDrain(): void {
    if (!this.flowPaused) return;
    if (this.socketBuffered > this.opts.lowWaterMark) {
      this.drainTimer.start(DRAIN_POLL_MS);
      return;
    }
    this.flowPaused = false;
    this.flush();
    this.settled();
  }

  /** Something settled or drained: wake whoever waits for room. */
  settled(): void {
    if (!this.hasRoom()) return;
    for (const w of this.roomWaiters.splice(0)) w.resolve();
    if (this.roomBlocked) {
      this.roomBlocked = false;
      this.emit('drain');
    }
  }

  /** True when a message can be accepted and written without waiting. */
  hasRoom(): boolean {
    return this.outbox.hasRoom() && !this.flowPaused;
  }

  /** Resolves once {@link hasRoom}; rejects with `CLOSED` on close. */
  waitForRoom(): Promise<void> {
    if (this.closeError) return Promise.reject(this.closedError());
    if (this.hasRoom()) return Promise.resolve();
    this.roomBlocked = true;
    return new Promise((resolve, reject) => this.roomWaiters.push({ resolve, reject }));
  }

  /** Marks that the app was refused for lack of room, so `drain` follows when room appears. */
  markBlocked(): void {
    this.roomBlocked = true;
  }

  /** Resolves once a session is open; rejects with `CLOSED` on close. */
  ready(): Promise<void> {
    if (this.closeError) return Promise.reject(this.closedError());
    if (this.sessionOpen) return Promise.resolve();
    return new Promise((resolve, reject) => this.readyWaiters.push({ resolve, reject }));
  }

  // ------------------------------------------------------------------ teardown

  /** The error operations reject with after close. */
  closedError(): AckwireClientError {
    const cause = this.closeError;
    return clientError(
      'CLOSED',
      cause && cause.code !== 'CLOSED' ? `client closed: ${cause.message}` : 'client closed',
      cause && cause.code !== 'CLOSED' ? { cause } : undefined,
    );
  }

  private fail(error: AckwireClientError, reason: StateReason, code?: number): void {
    this.emit('error', error);
    void this.shutdown(error, reason, code);
  }

  /**
   * The one teardown path: state `closed`, every timer and listener cleared, every pending
   * promise settled with `CLOSED`, the socket closed cleanly.
   */
  shutdown(error: AckwireClientError, reason: StateReason, code?: number): Promise<void> {
    if (this.closeError) return Promise.resolve();
    this.closeError = error;
    this.attemptSeq++;
    const conn = this.conn;
    this.conn = undefined;
    this.sessionOpen = false;
    this.heartbeat.stop();
    for (const t of this.timers) t.stop();
    this.unwatch();
    this.machine.setState('closed', reason, code);
    this.outbox.rejectAll(() => this.closedError());
    this.registry.clear();
    for (const w of [...this.readyWaiters.splice(0), ...this.roomWaiters.splice(0)])
      w.reject(this.closedError());
    return conn
      ? conn.closeGracefully(CloseCode.NORMAL, 'client closed', CLOSE_WAIT_MS, this.opts.clock)
      : Promise.resolve();
  }
}
