/**
 * The server's internal state: connections, sessions, topics, handlers, counters and timers,
 * with the routing between them. `AckwireServer` is the public facade over one Hub; keeping
 * them apart keeps internals off the public API.
 * @internal
 */
import type { EventEmitter } from 'node:events';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { WebSocket } from 'ws';
import {
  CloseCode,
  resolveLimits,
  validateTopic,
  type ClientEnvelope,
  type Payload,
  type ProtocolLimits,
  type PushEnvelope,
} from '@ackwire/protocol';
import { TimerSet } from './clock.js';
import { CloseQueue } from './close-queue.js';
import { Connection, type ConnectionHost } from './connection.js';
import { InMemoryDedupStore, type DedupStore } from './dedup-store.js';
import { dispatch, openSession, type DispatchHost } from './dispatch.js';
import { sweepPeriod, Sweeper } from './heartbeat.js';
import type { ResolvedServerOptions } from './options.js';
import { encodeOutgoing } from './outgoing.js';
import { SessionRegistry, type Session } from './session.js';
import { Counters } from './stats.js';
import { TopicStore } from './topic-store.js';
import type { Topic } from './topics.js';
import type { Handler, PublishResult, ServerEvents } from './types.js';

/** @internal */
export class Hub implements ConnectionHost, DispatchHost {
  readonly options: ResolvedServerOptions;
  readonly limits: ProtocolLimits;
  readonly counters = new Counters();
  readonly timers: TimerSet;
  readonly store: DedupStore;
  readonly ownsStore: boolean;
  readonly sessions: SessionRegistry;
  readonly topics: TopicStore;
  readonly handlers = new Map<string, Handler>();
  readonly closes = new CloseQueue();
  readonly connections = new Set<Connection>();
  readonly #perIp = new Map<string, number>();
  readonly #sweeper: Sweeper;
  readonly #events: EventEmitter<ServerEvents>;
  #drained: (() => void)[] = [];

  constructor(options: ResolvedServerOptions, events: EventEmitter<ServerEvents>) {
    this.options = options;
    this.#events = events;
    this.limits = resolveLimits({ maxBytes: options.maxPayload });
    this.timers = new TimerSet(options.clock);
    this.ownsStore = options.dedupStore === undefined;
    this.store = options.dedupStore ?? new InMemoryDedupStore();
    this.sessions = new SessionRegistry(this.store, options.maxInFlight, options.sessionTtlMs);
    this.topics = new TopicStore({
      size: options.historySize,
      ttlMs: options.historyTtlMs,
      backlogBytes: options.sendHardLimit,
    });
    const period = sweepPeriod(
      options.heartbeatIntervalMs,
      options.heartbeatTimeoutMs,
      options.helloTimeoutMs,
    );
    this.#sweeper = new Sweeper(this.timers, period, () => this.sweep());
  }

  now(): number {
    return this.options.clock.now();
  }

  topic(name: string): Topic | undefined {
    return this.topics.get(name);
  }

  /** Open connections from one address. */
  connectionsFrom(ip: string | undefined): number {
    return this.#perIp.get(ip ?? '') ?? 0;
  }

  startSweeping(): void {
    this.#sweeper.start();
  }

  stopSweeping(): void {
    this.#sweeper.stop();
  }

  /** One pass of every deadline: hello timeouts, heartbeats, session TTLs, topic history age. */
  sweep(): void {
    const now = this.now();
    for (const conn of [...this.connections]) conn.tick(now);
    this.sessions.sweep(now);
    this.topics.sweep(now);
  }

  emit<K extends keyof ServerEvents>(event: K, ...args: ServerEvents[K]): void {
    // An `error` event without a listener would throw from node:events and crash the process:
    // that is never what a failing hook deserves.
    if (event === 'error' && this.#events.listenerCount('error') === 0) return;
    (this.#events.emit as (e: K, ...a: ServerEvents[K]) => boolean)(event, ...args);
  }

  reportError(error: unknown): void {
    this.emit('error', error instanceof Error ? error : new Error(String(error)));
  }

  // ------------------------------------------------------------------ connections

  /** Wraps a freshly upgraded WebSocket. */
  accept(ws: WebSocket, socket: Duplex, request: IncomingMessage): Connection {
    const conn = new Connection(this, ws, socket, request);
    this.connections.add(conn);
    const ip = conn.remoteAddress ?? '';
    this.#perIp.set(ip, (this.#perIp.get(ip) ?? 0) + 1);
    this.counters.connectionsTotal++;
    this.emit('connect', { remoteAddress: conn.remoteAddress, request });
    return conn;
  }

  receive(conn: Connection, envelope: ClientEnvelope): void {
    if (conn.state === 'open') {
      dispatch(this, conn, envelope);
      return;
    }
    // Before welcome: only hello (once) and heartbeats (docs/protocol.md §1.4).
    if (envelope.k === 'ping') conn.send({ k: 'pong', ts: envelope.ts });
    else if (envelope.k === 'pong') return;
    else if (envelope.k === 'hello' && conn.state === 'handshake') {
      openSession(this, conn, envelope).catch((error: unknown) => {
        this.reportError(error);
        conn.close(CloseCode.INTERNAL_ERROR, 'session open failed');
      });
    } else conn.close(CloseCode.BAD_ENVELOPE, `expected hello first, got ${envelope.k}`);
  }

  /** The session held for `cid`, if any, without creating one (the rate-limit cooldown). */
  sessionOf(cid: string): Session | undefined {
    return this.sessions.get(cid);
  }

  /**
   * Binds a connection to the session of `cid`. A previous connection of the same client id is
   * closed with 4004 and its subscriptions move to nobody: the new connection resubscribes.
   */
  attach(
    conn: Connection,
    cid: string,
    principal: unknown,
  ): { session: Session; resumed: boolean } {
    const { session, resumed } = this.sessions.open(cid);
    const previous = session.connection;
    if (previous && previous !== conn) {
      this.#dropSubscriptions(previous as Connection, session);
      (previous as Connection).close(CloseCode.SESSION_REPLACED, 'session replaced');
    }
    session.connection = conn;
    session.principal = principal;
    conn.session = session;
    conn.principal = principal;
    return { session, resumed };
  }

  #dropSubscriptions(conn: Connection, session: Session): void {
    for (const topic of session.topics) this.topics.unsubscribe(topic, conn);
    session.topics.clear();
  }

  closed(conn: Connection, code: number, reason: string): void {
    this.connections.delete(conn);
    const ip = conn.remoteAddress ?? '';
    const left = (this.#perIp.get(ip) ?? 1) - 1;
    if (left > 0) this.#perIp.set(ip, left);
    else this.#perIp.delete(ip);
    const session = conn.session;
    if (session && session.connection === conn) {
      this.#dropSubscriptions(conn, session);
      this.sessions.detach(session, this.now());
    }
    this.emit('disconnect', { cid: conn.cid, code, reason });
    if (this.connections.size === 0) {
      const waiting = this.#drained;
      this.#drained = [];
      for (const resolve of waiting) resolve();
    }
  }

  /** Resolves once no connection is left. */
  drained(): Promise<void> {
    if (this.connections.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.#drained.push(resolve));
  }

  // ------------------------------------------------------------------ delivery

  /** Publishes on a topic (encoded once, fanned out to every subscriber). */
  publish(topic: string, data: Payload | undefined, volatile: boolean): PublishResult {
    validateTopic(topic, this.limits);
    const event = this.topics.publish(topic, data, this.now(), this.options.maxPayload, volatile);
    return { epoch: event.epoch, offset: event.offset };
  }

  /**
   * Pushes to every open session except the one of client id `except`, which is named as the
   * push's `from`; returns how many were written to.
   */
  broadcast(type: string, data: Payload | undefined, volatile: boolean, except?: string): number {
    const push: PushEnvelope = { k: 'push', type };
    if (except !== undefined) push.from = except;
    if (data !== undefined) push.data = data;
    const frame = encodeOutgoing(push, this.options.maxPayload);
    let count = 0;
    for (const conn of this.connections) {
      if (conn.state !== 'open' || (except !== undefined && conn.cid === except)) continue;
      if (conn.sendFrame(frame, volatile, push)) count++;
    }
    return count;
  }

  /** Pushes to one client id's current connection; false when it has none. */
  sendTo(
    cid: string,
    type: string,
    data: Payload | undefined,
    volatile: boolean,
    from?: string,
  ): boolean {
    const conn = this.sessions.get(cid)?.connection as Connection | undefined;
    if (!conn || conn.state !== 'open') return false;
    const push: PushEnvelope = { k: 'push', type };
    if (from !== undefined) push.from = from;
    if (data !== undefined) push.data = data;
    return conn.sendFrame(encodeOutgoing(push, this.options.maxPayload), volatile, push);
  }

  /** Forgets all in-memory state (after close). */
  clear(): void {
    this.timers.clearAll();
    this.sessions.clear();
    this.topics.clear();
    if (this.ownsStore) this.store.clear();
    this.handlers.clear();
  }
}
