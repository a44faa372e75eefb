/**
 * AckwireServer: the public API (issue 3). Standalone (`createServer({ port })`) or attached to
 * an existing HTTP(S) server (`createServer({ server })`); handles upgrades itself so refusals
 * are plain HTTP answers, then hands accepted sockets to the Hub.
 */
import { EventEmitter } from 'node:events';
import {
  createServer as createHttpServer,
  type IncomingMessage,
  type Server as HttpServer,
} from 'node:http';
import type { Server as HttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import {
  CloseCode,
  selectSubprotocol,
  validateEnvelope,
  type Payload,
  type PushEnvelope,
} from '@ackwire/protocol';
import type { Connection } from './connection.js';
import { AckwireServerError } from './errors.js';
import { Hub } from './hub.js';
import {
  resolveOptions,
  type ConnectionInfo,
  type ResolvedServerOptions,
  type ServerOptions,
} from './options.js';
import type { Session } from './session.js';
import type { ServerStats } from './stats.js';
import type {
  BroadcastOptions,
  Handler,
  PublishResult,
  PushOptions,
  ServerEvents,
} from './types.js';
import { checkUpgrade, pathnameOf, refuseUpgrade } from './upgrade.js';

/** Lifecycle of a server. */
export type ServerState = 'idle' | 'listening' | 'closing' | 'closed';

const TRANSITIONS: Readonly<Record<ServerState, readonly ServerState[]>> = {
  idle: ['listening', 'closing', 'closed'],
  listening: ['closing'],
  closing: ['closed'],
  closed: [],
};

/** A live connection as the application sees it (see `server.connections()`). */
export interface ConnectionHandle extends ConnectionInfo {
  /** 'handshake' | 'authenticating' | 'open' | 'closing' | 'closed'. */
  readonly state: string;
  /** Closes with a close frame. */
  close(code: number, reason?: string): void;
  /** Drops the socket without a close frame. */
  terminate(): void;
  /** Drops the TCP connection with a reset (RST). */
  reset(): void;
}

/** Options of `server.close()`. */
export interface CloseOptions {
  /**
   * Terminate every socket at once, without `goaway` or close frames (a crash, for tests).
   * @default false
   */
  abrupt?: boolean;
}

/** The ackwire server. Create it with {@link createServer}. */
export class AckwireServer extends EventEmitter<ServerEvents> {
  readonly #options: ResolvedServerOptions;
  readonly #hub: Hub;
  readonly #wss: WebSocketServer;
  readonly #http: HttpServer | HttpsServer;
  readonly #ownsHttp: boolean;
  readonly #onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer): void =>
    this.#upgrade(req, socket, head);
  #state: ServerState = 'idle';
  #closing: Promise<void> | undefined;

  constructor(options: ServerOptions = {}) {
    super();
    this.#options = resolveOptions(options);
    this.#hub = new Hub(this.#options, this);
    this.#wss = new WebSocketServer({
      noServer: true,
      clientTracking: false,
      maxPayload: this.#options.maxPayload,
      perMessageDeflate: this.#options.perMessageDeflate,
      handleProtocols: (offered) => selectSubprotocol(offered) ?? false,
    });
    this.#ownsHttp = this.#options.server === undefined;
    const handshakeMs = this.#options.handshakeTimeoutMs;
    this.#http =
      this.#options.server ??
      createHttpServer(
        {
          // Slow or silent handshakes are answered 408 and dropped by Node itself; its check
          // runs every connectionsCheckingInterval (30 s by default, too coarse for this bound).
          headersTimeout: handshakeMs,
          requestTimeout: handshakeMs,
          connectionsCheckingInterval: Math.min(1000, Math.max(50, Math.floor(handshakeMs / 4))),
        },
        (_req, res) => {
          res
            .writeHead(426, { 'Content-Type': 'text/plain' })
            .end('ackwire: WebSocket upgrade required');
        },
      );
  }

  /** Current lifecycle state. */
  get state(): ServerState {
    return this.#state;
  }

  /** The HTTP(S) server carrying the upgrades (owned or shared). */
  get httpServer(): HttpServer | HttpsServer {
    return this.#http;
  }

  /** Bound address once listening (undefined for an attached server whose host is not listening). */
  address(): AddressInfo | undefined {
    const a = this.#http.address();
    return a !== null && typeof a === 'object' ? a : undefined;
  }

  /** Bound port once listening. */
  get port(): number | undefined {
    return this.address()?.port;
  }

  #setState(next: ServerState): boolean {
    if (!TRANSITIONS[this.#state].includes(next)) return false;
    this.#state = next;
    return true;
  }

  /**
   * Starts handling upgrades; when the server owns its HTTP server, listens on `port`/`host`
   * first. Resolves once ready.
   */
  async listen(): Promise<this> {
    if (this.#state !== 'idle') return this;
    if (this.#ownsHttp) {
      await new Promise<void>((resolve, reject) => {
        const onError = (error: Error): void => reject(error);
        this.#http.once('error', onError);
        this.#http.listen(this.#options.port, this.#options.host, () => {
          this.#http.off('error', onError);
          resolve();
        });
      });
      this.#http.on('error', (error) => this.#hub.reportError(error));
    }
    this.#http.on('upgrade', this.#onUpgrade);
    this.#hub.startSweeping();
    this.#setState('listening');
    return this;
  }

  #upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const hub = this.#hub;
    const o = this.#options;
    if (o.path !== undefined && pathnameOf(req) !== o.path) {
      // On a shared server another upgrade listener may own this path: leave it alone.
      if (this.#http.listenerCount('upgrade') > 1) return;
      hub.counters.upgradesRejected++;
      refuseUpgrade(socket, { status: 404, body: 'ackwire: no WebSocket endpoint at this path' });
      return;
    }
    const refusal =
      this.#state !== 'listening'
        ? { status: 503, body: 'ackwire: server is shutting down' }
        : checkUpgrade(req, {
            allowedOrigins: o.allowedOrigins,
            allowMissingOrigin: o.allowMissingOrigin,
            maxConnections: o.maxConnections,
            maxConnectionsPerIp: o.maxConnectionsPerIp,
            connections: hub.connections.size,
            connectionsFromIp: hub.connectionsFrom(req.socket.remoteAddress),
          });
    if (refusal) {
      hub.counters.upgradesRejected++;
      refuseUpgrade(socket, refusal);
      return;
    }
    this.#wss.handleUpgrade(req, socket, head, (ws) => {
      hub.accept(ws, socket, req);
    });
  }

  // ------------------------------------------------------------------ application API

  /**
   * Registers the handler of a message type (one per type; a second call replaces it).
   * Returns the function that removes it.
   */
  handle(type: string, handler: Handler): () => void {
    this.#hub.handlers.set(type, handler);
    return () => {
      if (this.#hub.handlers.get(type) === handler) this.#hub.handlers.delete(type);
    };
  }

  /**
   * Publishes `data` on a topic: appended to its history, encoded once and sent to every
   * subscriber as an `event`.
   * @throws ProtocolError PROTOCOL_INVALID_TOPIC, PROTOCOL_TOO_LARGE, PROTOCOL_UNENCODABLE
   * @throws AckwireServerError SERVER_CLOSED
   */
  publish(topic: string, data?: Payload, options: PushOptions = {}): PublishResult {
    this.#assertOpen();
    return this.#hub.publish(topic, data, options.volatile === true);
  }

  /**
   * Pushes `{type, data}` to every open session (but `options.except`'s, which the push names
   * as its sender); returns how many were written to.
   */
  broadcast(type: string, data?: Payload, options: BroadcastOptions = {}): number {
    this.#assertOpen();
    this.#validatePush(type, data);
    return this.#hub.broadcast(type, data, options.volatile === true, options.except);
  }

  /** Pushes `{type, data}` to one client id; returns false when it is not connected. */
  sendTo(clientId: string, type: string, data?: Payload, options: PushOptions = {}): boolean {
    this.#assertOpen();
    this.#validatePush(type, data);
    return this.#hub.sendTo(clientId, type, data, options.volatile === true);
  }

  #validatePush(type: string, data: Payload | undefined): void {
    const push: PushEnvelope = { k: 'push', type };
    if (data !== undefined) push.data = data;
    validateEnvelope(push, 'server', this.#hub.limits);
  }

  #assertOpen(): void {
    if (this.#state === 'closing' || this.#state === 'closed') {
      throw new AckwireServerError('SERVER_CLOSED', 'the server is closed');
    }
  }

  /** The session of a client id, while held (connected or within its TTL). */
  session(clientId: string): Session | undefined {
    return this.#hub.sessions.get(clientId);
  }

  /** Every live connection. */
  connections(): ConnectionHandle[] {
    return [...this.#hub.connections].map((c) => handleOf(c));
  }

  /** Counters and gauges. */
  stats(): ServerStats {
    const hub = this.#hub;
    return {
      ...hub.counters,
      connections: hub.connections.size,
      sessions: hub.sessions.size,
      dedupClients: hub.store.size,
      topics: hub.topics.size,
      subscriptions: hub.topics.subscriptions,
      parkedSubscriptions: hub.topics.parked,
      eventsKept: hub.topics.eventsKept,
      timers: hub.timers.size,
    };
  }

  /**
   * Stops accepting upgrades, sends `goaway` and closes every connection with 1001, waits up to
   * `closeTimeoutMs` for the close handshakes (then terminates the rest), clears every timer and
   * in-memory state, and closes the HTTP server when it owns it. Idempotent.
   */
  close(options: CloseOptions = {}): Promise<void> {
    this.#closing ??= this.#close(options.abrupt === true);
    return this.#closing;
  }

  async #close(abrupt: boolean): Promise<void> {
    this.#setState('closing');
    const hub = this.#hub;
    const o = this.#options;
    this.#http.off('upgrade', this.#onUpgrade);
    for (const conn of [...hub.connections]) {
      if (abrupt) {
        conn.terminate(CloseCode.ABNORMAL, 'server crashed');
      } else {
        if (conn.state === 'open') {
          conn.send({ k: 'goaway', after: o.goAwayAfterMs, reason: 'server shutting down' });
        }
        conn.close(CloseCode.GOING_AWAY, 'server shutting down');
      }
    }
    await new Promise<void>((resolve) => {
      const cancel = hub.timers.timeout(resolve, abrupt ? 0 : o.closeTimeoutMs);
      void hub.drained().then(() => {
        cancel();
        resolve();
      });
    });
    for (const conn of [...hub.connections]) conn.terminate(CloseCode.GOING_AWAY, 'close timeout');
    await hub.drained();
    hub.stopSweeping();
    hub.clear();
    this.#wss.close();
    if (this.#ownsHttp) {
      await new Promise<void>((resolve) => {
        this.#http.close(() => resolve());
        this.#http.closeAllConnections();
      });
    }
    this.#setState('closed');
  }
}

function handleOf(c: Connection): ConnectionHandle {
  return {
    get cid() {
      return c.cid;
    },
    get sid() {
      return c.sid;
    },
    remoteAddress: c.remoteAddress,
    get state() {
      return c.state;
    },
    socket: c.socket,
    close: (code, reason = '') => c.close(code, reason),
    terminate: () => c.terminate(),
    reset: () => c.reset(),
  };
}

/**
 * Creates a server and starts it: listening on `port` when it owns its HTTP server, or handling
 * the `upgrade` events of `options.server`.
 */
export async function createServer(options: ServerOptions = {}): Promise<AckwireServer> {
  return new AckwireServer(options).listen();
}
