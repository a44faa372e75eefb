/**
 * The connection engine behind `AckwireClient`: socket attempts with their ids, the
 * hello/welcome handshake, auth per attempt, reconnect with backoff, lifecycle hooks, flow
 * control, and the state machine (one `#setState`). The write path, liveness and every deadline
 * live in `Link` (link.ts), which this class extends; `_shutdown` is the one teardown path.
 *
 * Members named `_x` are internal and renamed in the shipped builds (scripts/rollup-lib.mjs).
 * @internal
 */
import {
  SUBPROTOCOL,
  classifyClose,
  decodeServerFrame,
  type Frame,
  type HelloEnvelope,
  type HelloSubscription,
  type ServerEnvelope,
  type WelcomeEnvelope,
} from '@ackwire/protocol';
import { nextToken, tokenRefused, type AuthState } from './auth.js';
import { backoffDelay, retryLaterDelay, type BackoffSettings } from './backoff.js';
import {
  CLOSE_ABNORMAL,
  CLOSE_HEARTBEAT_TIMEOUT,
  CLOSE_NORMAL,
  CLOSE_UNAUTHORIZED,
  CLOSE_UNSUPPORTED_VERSION,
  fatalCloseError,
  isVersionRefusal,
  reasonOf,
} from './close-policy.js';
import { frameSize } from './encoding.js';
import { ServerError, clientError, type AckwireClientError } from './errors.js';
import { defaultLifecycleTarget, watchLifecycle, type LifecycleHandlers } from './lifecycle.js';
import { stateChange, type ClientState, type StateReason } from './state.js';
import type { Emitter } from './emitter.js';
import { Link } from './link.js';
import type { ResolvedOptions } from './options.js';
import type { SubscriptionRegistry } from './subscriptions.js';
import type { ClientEvents, SessionInfo } from './types.js';
import type { ResolvedUrl } from './url.js';
import { closeGracefully, dropSocket, openSocket, type WebSocketConstructor } from './websocket.js';

/** How long `close()` waits for the socket's close handshake before giving up on it. */
const CLOSE_WAIT_MS = 1000;

interface Waiter {
  resolve(): void;
  reject(error: Error): void;
}

/** One client's connection engine. @internal */
export class Session extends Link implements LifecycleHandlers {
  _state: ClientState = 'idle';
  _info: SessionInfo | undefined;
  #attemptSeq = 0;
  #everOpened = false;
  #retryAttempt = 0;
  #offline: boolean;
  #goawayAfter: number | undefined;
  #sentSubs: HelloSubscription[] = [];
  #readyWaiters: Waiter[] = [];
  readonly #unwatch: () => void;
  readonly #backoff: BackoffSettings;
  /** Auth (issue 4): the token of the current attempt and the refusals (auth.ts). */
  readonly #auth: AuthState = { _token: undefined, _refused: new Set(), _rejections: 0 };

  readonly #url: ResolvedUrl;
  readonly #cid: string;

  constructor(
    url: ResolvedUrl,
    cid: string,
    o: ResolvedOptions,
    emitter: Emitter<ClientEvents>,
    registry: SubscriptionRegistry,
  ) {
    super(o, emitter, registry);
    this.#url = url;
    this.#cid = cid;
    this.#backoff = {
      baseMs: o.backoffBaseMs,
      capMs: o.backoffCapMs,
      retryLaterJitterMs: o.retryLaterJitterMs,
    };
    const target = o.lifecycle === undefined ? defaultLifecycleTarget() : o.lifecycle;
    this.#offline = target?.navigator?.onLine === false;
    this.#unwatch = watchLifecycle(target, this);
  }

  /** Starts connecting (from `idle`). */
  _connect(): void {
    if (this._state !== 'idle') return;
    this.#setState('connecting', 'connect');
    void this._attempt();
  }

  /**
   * The only place the state changes. Setting the current state again is a no-op; a
   * transition outside `TRANSITIONS` throws, because it means a logic error.
   */
  #setState(next: ClientState, reason: StateReason, code?: number): void {
    const change = stateChange(this._state, next, reason, code);
    if (!change) return;
    this._state = next;
    this._emit('state', change);
  }

  // ------------------------------------------------------------------ attempts

  /** True when attempt `attempt` was superseded (or the client closed) while it awaited. */
  #isStale(attempt: number): boolean {
    return attempt !== this.#attemptSeq || this._closeError !== undefined;
  }

  /** One connection attempt: a token, then a socket. Timed by `connectTimeoutMs` throughout. */
  async _attempt(): Promise<void> {
    if (this._closeError || this._ws || this.#offline) return; // offline: `online` resumes
    const attempt = ++this.#attemptSeq;
    // Covers the whole attempt, `auth` included: a token provider that never answers must not
    // stall the client forever.
    this._connectBy = this._o.clock.now() + this._o.connectTimeoutMs;
    this._reschedule();
    try {
      this.#auth._token = await nextToken(this._o.auth, this.#auth);
    } catch (error) {
      if (this.#isStale(attempt)) return;
      const e = error as AckwireClientError;
      if (e.code === 'AUTH_REJECTED') return this.#fail(e, 'auth-rejected');
      this._emit('error', e);
      this._connectBy = Infinity;
      return this.#scheduleRetry();
    }
    if (this.#isStale(attempt) || this._ws) return;
    const WS = this._o.WebSocket ?? (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket;
    if (typeof WS !== 'function') {
      return this.#fail(clientError('NO_WEBSOCKET', 'no WebSocket: pass options.WebSocket'));
    }
    try {
      this._ws = openSocket(WS, this.#url.href, this);
    } catch (cause) {
      this.#fail(clientError('INVALID_URL', `refused: ${this.#url.href}`, { cause }));
    }
  }

  /** Schedules the next attempt after `delayMs`: by default, the backoff of the attempt count. */
  #scheduleRetry(
    delayMs = backoffDelay(this.#retryAttempt, this.#backoff, this._o.random),
    code?: number,
  ): void {
    if (this._closeError || this.#offline) return;
    const info: Parameters<ClientEvents['retry']>[0] = { attempt: this.#retryAttempt, delayMs };
    if (code !== undefined) info.code = code;
    this.#retryAttempt++;
    this._retryAt = this._o.clock.now() + delayMs;
    this._reschedule();
    this._emit('retry', info);
  }

  /** The connect timeout fired (called by the timekeeper). */
  _connectTimedOut(): void {
    const ms = this._o.connectTimeoutMs;
    this._emit('error', clientError('CONNECT_TIMEOUT', `no welcome within ${ms} ms`));
    if (this._ws) {
      this._lose(CLOSE_ABNORMAL, 'connect timeout', 'connect-timeout');
    } else {
      this.#attemptSeq++; // the pending auth answer is now stale
      this.#scheduleRetry();
    }
  }

  // ------------------------------------------------------------------ socket events

  /** The current socket opened: check the subprotocol, start the heartbeat, say hello. */
  _onOpen(): void {
    const got = this._ws!.protocol;
    if (got !== SUBPROTOCOL) {
      return this.#versionRefused(`subprotocol: got "${got}"`, CLOSE_UNSUPPORTED_VERSION);
    }
    this._startHeartbeat();
    // Queued `sub`/`unsub` are superseded by `hello.subs` and settled first, so the server never
    // hears a topic twice (docs/protocol.md §2).
    this._outbox._discardQueuedSubs(() => clientError('CLOSED', 'superseded by hello.subs'));
    const subs = (this.#sentSubs = this._registry._helloSubs());
    const hello: HelloEnvelope = { k: 'hello', cid: this.#cid, floor: this._outbox._floor() };
    if (this.#auth._token !== undefined) hello.token = this.#auth._token;
    if (subs.length > 0) hello.subs = subs;
    this._sendRaw(hello);
  }

  /** A socket error: only a refused protocol version (visible in Node's `ws`) is acted on. */
  _onError(message: unknown): void {
    if (typeof message === 'string' && isVersionRefusal(message)) this.#versionRefused(message);
  }

  /** Our protocol version is refused (§1): another subprotocol on open, or a refused upgrade. */
  #versionRefused(message: string, code?: number): void {
    const ws = this._ws!;
    this._ws = undefined;
    dropSocket(ws, code ?? CLOSE_NORMAL, `${SUBPROTOCOL} required`);
    this.#fail(clientError('VERSION_UNSUPPORTED', message), 'version-unsupported', code);
  }

  /** The current socket closed. */
  _onClose(code: number, reason: string): void {
    this._lose(code, reason, this.#goawayAfter === undefined ? 'socket-closed' : 'goaway');
  }

  /**
   * The receive path: every frame counts as liveness, is decoded by the protocol's one
   * validator, and goes to the part that owns its kind. Bad input is reported as an `error`
   * event and dropped, never thrown out of a socket handler (docs/protocol.md §6).
   */
  _onFrame(data: unknown): void {
    const c = this._counters;
    c.bytesIn += frameSize(data);
    c.framesIn++;
    this._alive();
    let env: ServerEnvelope;
    try {
      env = decodeServerFrame(data as Frame, this._o.decodeLimits);
    } catch (error) {
      return this._emit('error', error as AckwireClientError);
    }
    switch (env.k) {
      case 'ack':
        if (env.ok) this._outbox._settle(env.id, env.data);
        else {
          const error = new ServerError(env.err.code, env.err.message, { id: env.id });
          this._outbox._settle(env.id, undefined, error);
        }
        return;
      case 'event':
        return this._registry._deliver(env);
      case 'welcome':
        return this.#onWelcome(env);
      case 'push': {
        const message: Parameters<ClientEvents['message']>[0] = { type: env.type, data: env.data };
        if (env.from !== undefined) message.from = env.from;
        return this._emit('message', message);
      }
      case 'goaway':
        this.#goawayAfter = env.after;
        return;
      case 'error':
        return this._emit('error', new ServerError(env.err.code, env.err.message));
      case 'ping':
        return this._sendRaw({ k: 'pong', ts: env.ts });
      case 'pong':
        return this._pong(env.ts);
    }
  }

  /**
   * Session open (docs/protocol.md §2): adopt the server's heartbeat, window and frame limit,
   * clamp deadlines to `ttl` (dedup state lives `ttl` after a disconnect; no retry may outlive
   * it, §3), then resubscribe and write what waited.
   */
  #onWelcome(env: WelcomeEnvelope): void {
    if (this._sessionOpen) return;
    const ws = this._ws;
    const o = this._o;
    const outbox = this._outbox;
    this._connectBy = Infinity;
    this._sessionOpen = true;
    this._configureHeartbeat(env.hb.interval, env.hb.timeout);
    outbox._window = Math.min(o.maxInFlight, env.limits.maxInFlight);
    outbox._maxBytes = Math.min(o.maxMessageBytes, env.limits.maxBytes);
    if (env.ttl > 0) this._armDeadline(outbox._clampDeadlines(env.ttl));
    this._info = {
      sid: env.sid,
      resumed: env.resumed,
      heartbeat: { ...env.hb },
      limits: { ...env.limits },
      ttl: env.ttl,
    };
    // Attempts reset only here, on the server's session reply, never on a bare socket open.
    this.#retryAttempt = 0;
    this.#auth._rejections = 0;
    this.#goawayAfter = undefined;
    if (this.#everOpened) this._counters.reconnects++;
    this.#everOpened = true;
    this.#setState('open', 'welcome');
    this._emit('open', { ...this._info });
    if (ws !== this._ws) return; // a listener closed the client
    this._registry._applyWelcome(this.#sentSubs, env.subs);
    this._flush();
    for (const w of this.#readyWaiters.splice(0)) w.resolve();
  }

  // ------------------------------------------------------------------ losing a socket

  /**
   * The current socket is gone (closed, dead, timed out): detach it at once (the next socket
   * does not wait for its close event), put in-flight messages back at the head of the queue,
   * and reconnect or stop as the close code's class says (docs/protocol.md §10).
   */
  _lose(code: number, reason: string, why: StateReason): void {
    const ws = this._ws;
    if (!ws) return;
    this._ws = undefined;
    dropSocket(ws, code === CLOSE_HEARTBEAT_TIMEOUT ? code : CLOSE_NORMAL, reason, true);
    this._sessionOpen = false;
    this._stopLink();
    this._outbox._requeueInFlight();
    const goawayAfter = this.#goawayAfter;
    this.#goawayAfter = undefined;
    const action = classifyClose(code);
    // Undefined: the backoff (`retry`, and a refused token that a fresh one may replace).
    let delayMs: number | undefined;
    if (action === 'retry-later') {
      delayMs = retryLaterDelay(goawayAfter, this.#backoff, this._o.random);
    } else if (action === 'fatal') {
      const error = fatalCloseError(code, reason);
      if (code !== CLOSE_UNAUTHORIZED || !tokenRefused(this._o.auth, this.#auth)) {
        return this.#fail(error, reasonOf(error), code);
      }
      // Only that token is dead: ask `auth` for a fresh one, after a backoff (no storm).
      this._emit('error', error);
      why = 'auth-rejected';
    }
    if (this._state === 'open') this.#setState('reconnecting', why, code);
    this.#scheduleRetry(delayMs, code);
  }

  // ------------------------------------------------------------------ lifecycle

  /** The network is back (lifecycle hook). */
  _online(): void {
    this.#offline = false;
    if (this._closeError || this._state === 'idle') return;
    if (this._sessionOpen) {
      this._probe();
    } else if (!this._ws) {
      // Resume at once: the backoff was about a network that was not there.
      this._retryAt = Infinity;
      this._reschedule();
      this.#retryAttempt = 0;
      void this._attempt();
    }
  }

  /** The network is gone (lifecycle hook). */
  _offline(): void {
    this.#offline = true;
    this._retryAt = Infinity;
    this._reschedule();
    if (this._sessionOpen) this._probe();
  }

  // ------------------------------------------------------------------ waiting

  /** Resolves once a session is open; rejects with `CLOSED` on close. */
  _ready(): Promise<void> {
    if (this._closeError) return Promise.reject(this._closedError());
    if (this._sessionOpen) return Promise.resolve();
    return new Promise((resolve, reject) => this.#readyWaiters.push({ resolve, reject }));
  }

  // ------------------------------------------------------------------ teardown

  /** The error operations reject with after close (its cause: what closed the client). */
  _closedError(): AckwireClientError {
    const cause = this._closeError;
    if (!cause || cause.code === 'CLOSED') return clientError('CLOSED', 'client closed');
    return clientError('CLOSED', `client closed: ${cause.message}`, { cause });
  }

  #fail(error: AckwireClientError, reason: StateReason = 'fatal-close', code?: number): void {
    this._emit('error', error);
    void this._shutdown(error, reason, code);
  }

  /**
   * The one teardown path: state `closed`, the timer and every listener cleared, every pending
   * promise settled with `CLOSED`, the socket closed cleanly.
   */
  _shutdown(error: AckwireClientError, reason: StateReason, code?: number): Promise<void> {
    if (this._closeError) return Promise.resolve();
    this._closeError = error;
    this.#attemptSeq++;
    const ws = this._ws;
    this._ws = undefined;
    this._sessionOpen = false;
    const closed = (): AckwireClientError => this._closedError();
    this._stopAll(closed);
    this.#unwatch();
    this.#setState('closed', reason, code);
    this._outbox._rejectAll(closed);
    this._registry._clear();
    for (const w of this.#readyWaiters.splice(0)) w.reject(closed());
    if (!ws) return Promise.resolve();
    return closeGracefully(ws, CLOSE_WAIT_MS, this._o.clock);
  }
}
