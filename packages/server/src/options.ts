/**
 * Every option of the server in one interface, the defaults in one frozen object, and the one
 * function that applies them (STYLE.md point 4). packages/server/README.md mirrors this file.
 */
import type { IncomingMessage, Server as HttpServer } from 'node:http';
import type { Server as HttpsServer } from 'node:https';
import type { Duplex } from 'node:stream';
import type { ServerEnvelope } from '@ackwire/protocol';
import { systemClock, type Clock } from './clock.js';
import type { DedupStore } from './dedup-store.js';
import { AckwireServerError } from './errors.js';

/** What the send path does with one outgoing envelope (see {@link SendInterceptor}). */
export type SendVerdict = 'send' | 'drop' | { delayMs: number };

/** Read-only facts about a connection, handed to interceptors and listed by `connections()`. */
export interface ConnectionInfo {
  /** Client id from `hello`, or undefined before it. */
  readonly cid: string | undefined;
  /** Session id announced in `welcome`, or undefined before it. */
  readonly sid: string | undefined;
  /** Remote IP address as the socket reports it. */
  readonly remoteAddress: string | undefined;
  /** The underlying TCP (or TLS) socket. */
  readonly socket: Duplex;
}

/**
 * Hooks for fault injection (used by @ackwire/test-server). Production servers leave this unset.
 * @experimental
 */
export interface SendInterceptor {
  /** Decides whether an outgoing envelope is sent now, later, or never. */
  outgoing?(envelope: ServerEnvelope, connection: ConnectionInfo): SendVerdict;
  /** Return false to stop protocol pings to this connection (a silent server). */
  heartbeats?(connection: ConnectionInfo): boolean;
}

/**
 * Authenticates a session from `hello.token`. Resolve with the principal (any value) to accept;
 * throw, reject or resolve `false` to refuse. A refusal closes with 4001, or 4003 when the thrown
 * error's `code` is `FORBIDDEN`.
 */
export type Authenticate = (token: string | undefined, request: IncomingMessage) => unknown;

/** Decides whether a principal may subscribe to or publish on a topic. */
export type AuthorizeTopic = (principal: unknown, topic: string) => boolean | Promise<boolean>;

/** Options of {@link createServer}. */
export interface ServerOptions {
  /**
   * Port to listen on when the server owns its HTTP server (0 picks a free port). Ignored when
   * `server` is given.
   * @default 0
   */
  port?: number;
  /**
   * Interface to listen on when the server owns its HTTP server.
   * @default undefined (all interfaces)
   */
  host?: string;
  /**
   * An existing `http.Server` or `https.Server` to share: the ackwire server handles its
   * `upgrade` events for `path` and never closes it.
   * @default undefined (create and own an HTTP server)
   */
  server?: HttpServer | HttpsServer;
  /**
   * URL path accepted for upgrades (query ignored). Other paths get HTTP 404, unless another
   * `upgrade` listener on a shared server may want them, in which case they are left alone.
   * @default undefined (any path)
   */
  path?: string;
  /**
   * Origins allowed to connect (exact match on the `Origin` header). Others get HTTP 403 before
   * any WebSocket exists. Browsers always send `Origin`; see `allowMissingOrigin` for others.
   * @default undefined (any origin)
   */
  allowedOrigins?: readonly string[];
  /**
   * With `allowedOrigins` set: whether an upgrade without an `Origin` header (a non-browser
   * client, which could forge one anyway) is accepted.
   * @default true
   */
  allowMissingOrigin?: boolean;
  /**
   * Called once per session open with `hello.token`; its result becomes `ctx.principal`.
   * @default undefined (every session accepted, principal undefined)
   */
  authenticate?: Authenticate;
  /**
   * Checked on every subscribe and resubscribe (including `hello.subs`); false refuses with
   * `FORBIDDEN`.
   * @default undefined (allowed)
   */
  authorizeSubscribe?: AuthorizeTopic;
  /**
   * Checked on every client `pub`; false refuses with `FORBIDDEN`.
   * @default undefined (allowed)
   */
  authorizePublish?: AuthorizeTopic;
  /**
   * Largest frame accepted, in bytes; announced as `welcome.limits.maxBytes`. Larger frames
   * close the connection with 1009.
   * @default 65536
   */
  maxPayload?: number;
  /**
   * Most open WebSocket connections; upgrades past it get HTTP 503.
   * @default 10000
   */
  maxConnections?: number;
  /**
   * Most open connections from one remote IP address; upgrades past it get HTTP 429.
   * @default 1000
   */
  maxConnectionsPerIp?: number;
  /**
   * Milliseconds a connection may take from upgrade to `welcome` (hello plus authentication);
   * after it the connection is closed with 4000.
   * @default 10000
   */
  helloTimeoutMs?: number;
  /**
   * Milliseconds a client has to send complete HTTP upgrade headers when the server owns its
   * HTTP server (Node's `headersTimeout`); slow handshakes are dropped.
   * @default 10000
   */
  handshakeTimeoutMs?: number;
  /**
   * Heartbeat interval announced in `welcome.hb.interval`; the server sends a protocol ping to a
   * connection that has been silent this long.
   * @default 25000
   */
  heartbeatIntervalMs?: number;
  /**
   * Grace after the interval (`welcome.hb.timeout`): a connection silent for interval + timeout
   * is terminated.
   * @default 10000
   */
  heartbeatTimeoutMs?: number;
  /**
   * Receipt window per client id (`welcome.limits.maxInFlight`): the dedup store keeps at most
   * this many receipts per client.
   * @default 256
   */
  maxInFlight?: number;
  /**
   * Milliseconds a client id's dedup state and session are kept after its last connection
   * closed (`welcome.ttl`). Clients must give up retrying within this.
   * @default 120000
   */
  sessionTtlMs?: number;
  /**
   * Sustained messages per second per connection (token bucket refill rate).
   * @default 200
   */
  rateLimitPerSecond?: number;
  /**
   * Token bucket size: messages a connection may send in a burst. Past it messages get
   * `RATE_LIMITED`; a further burst of refused messages closes the connection with 1008.
   * @default 400
   */
  rateLimitBurst?: number;
  /**
   * Milliseconds a client closed with 1008 for its rate stays away (docs/protocol.md §12): the
   * close is preceded by `goaway` with this `after`, and a `hello` with the same client id
   * within it gets the time left in a `goaway` and 1008 again, without a session, so that
   * reconnecting does not buy a flooder a fresh burst. Kept with the session, so it lasts at
   * most `sessionTtlMs`. 0 turns it off: a plain 1008, and the client waits its own backoff cap.
   * @default 10000
   */
  rateLimitCooldownMs?: number;
  /**
   * Invalid frames tolerated on one connection (each answered with an error) before it is
   * closed with 4009.
   * @default 10
   */
  maxProtocolErrors?: number;
  /**
   * Most topics one connection may be subscribed to; more get `TOO_MANY_SUBSCRIPTIONS`.
   * @default 1024
   */
  maxSubscriptionsPerConnection?: number;
  /**
   * Events kept per topic for recovery after a reconnect.
   * @default 1000
   */
  historySize?: number;
  /**
   * Milliseconds an event is kept in a topic's history.
   * @default 300000
   */
  historyTtlMs?: number;
  /**
   * Bytes buffered on a connection (`ws.bufferedAmount`) past which volatile messages to it are
   * dropped (and counted in `stats().volatileDropped`), and reliable topic events (a replay, or
   * live ones) wait: the connection leaves the topic's fan-out and, once the socket drains below
   * the mark, writes the topic's events from its history by cursor (the history keeps them for
   * it), then rejoins. Kept moderate: what is buffered in a socket is copied per connection, and
   * closing a socket fails each pending write with its own error object, so 100 stalled readers
   * closed at once with 1 MiB each stalled the event loop for about 90 ms (docs/reliability.md).
   * @default 262144
   */
  sendHighWaterMark?: number;
  /**
   * Bytes buffered on a connection past which a reliable message closes it with 1013: the client
   * reconnects and recovers from topic history instead of the server buffering without bound.
   * Topic events still to be written to a connection that fell behind (from the topics' history,
   * which keeps them for it: shared frames, not copies) count as buffered; they are counted on
   * the connection's sweep and whenever it has room, and a topic never keeps more than this many
   * bytes for its furthest-behind reader.
   * A healthy client that falls briefly behind a burst should not be cut off (a 1013 costs it a
   * retry-later delay), which is why the default is generous; a lower limit frees memory and
   * CPU sooner from readers that have stopped reading (docs/reliability.md, slow consumers).
   * @default 16777216
   */
  sendHardLimit?: number;
  /**
   * Milliseconds a connection's socket may stay at or above `sendHighWaterMark` without draining
   * a byte before the connection is closed with 1013 (the client reconnects and recovers from
   * topic history). A reader that reads, however slowly, is never cut off by it; one that has
   * stopped reading (its app alive, its network not) is, even on a topic too quiet to reach
   * `sendHardLimit`. 0 turns it off.
   * @default 30000
   */
  sendStallTimeoutMs?: number;
  /**
   * Bytes a connection may be sent before its peer confirms reading them; past it the connection
   * counts as backed up, as above `sendHighWaterMark` (volatile messages dropped, reliable topic
   * events wait in history). Confirmation is a protocol ping carrying the count of bytes
   * written, sent once half the window is out; the pong proves everything before it was read.
   * Needed because the buffered amount shows only Node's queue: the kernel's buffers let a
   * reader that stopped reading absorb megabytes first (docs/reliability.md, slow consumers).
   * A new connection starts with 64 KiB and doubles with every confirmation (slow start), so a
   * reader that stops at once costs little; one that keeps up reaches the full window in a few
   * round trips, and is held up only when its round trip exceeds the time to send half a
   * window. 0 turns it off.
   * @default 1048576
   */
  sendReadWindow?: number;
  /**
   * `goaway.after` sent on `close()`: clients wait this long plus jitter before reconnecting.
   * @default 1000
   */
  goAwayAfterMs?: number;
  /**
   * Milliseconds `close()` waits for clients to complete the close handshake before it
   * terminates the remaining sockets.
   * @default 2000
   */
  closeTimeoutMs?: number;
  /**
   * permessage-deflate (RFC 7692). Off: compression costs memory per connection and opens
   * compression-oracle attacks; payloads are small.
   * @default false
   */
  perMessageDeflate?: boolean;
  /**
   * Where dedup receipts live. The in-memory store loses them on restart (`welcome.resumed` is
   * then false); plug in a durable one to survive restarts.
   * @default a new InMemoryDedupStore
   */
  dedupStore?: DedupStore;
  /**
   * Time and timers; tests inject a fake clock.
   * @default systemClock
   */
  clock?: Clock;
  /**
   * Fault-injection hooks for tests.
   * @default undefined
   * @experimental
   */
  intercept?: SendInterceptor;
}

/** Options with every default applied. @internal */
export type ResolvedServerOptions = Required<
  Omit<
    ServerOptions,
    | 'host'
    | 'server'
    | 'path'
    | 'allowedOrigins'
    | 'authenticate'
    | 'authorizeSubscribe'
    | 'authorizePublish'
    | 'dedupStore'
    | 'intercept'
  >
> &
  Pick<
    ServerOptions,
    | 'host'
    | 'server'
    | 'path'
    | 'allowedOrigins'
    | 'authenticate'
    | 'authorizeSubscribe'
    | 'authorizePublish'
    | 'dedupStore'
    | 'intercept'
  >;

/** The default of every option that has one. */
export const DEFAULT_SERVER_OPTIONS = Object.freeze({
  port: 0,
  allowMissingOrigin: true,
  maxPayload: 64 * 1024,
  maxConnections: 10_000,
  maxConnectionsPerIp: 1000,
  helloTimeoutMs: 10_000,
  handshakeTimeoutMs: 10_000,
  heartbeatIntervalMs: 25_000,
  heartbeatTimeoutMs: 10_000,
  maxInFlight: 256,
  sessionTtlMs: 120_000,
  rateLimitPerSecond: 200,
  rateLimitBurst: 400,
  rateLimitCooldownMs: 10_000,
  maxProtocolErrors: 10,
  maxSubscriptionsPerConnection: 1024,
  historySize: 1000,
  historyTtlMs: 300_000,
  sendHighWaterMark: 256 * 1024,
  sendHardLimit: 16 * 1024 * 1024,
  sendStallTimeoutMs: 30_000,
  sendReadWindow: 1024 * 1024,
  goAwayAfterMs: 1000,
  closeTimeoutMs: 2000,
  perMessageDeflate: false,
  clock: systemClock,
} as const satisfies Partial<ServerOptions>);

const POSITIVE = [
  'maxPayload',
  'maxConnections',
  'maxConnectionsPerIp',
  'helloTimeoutMs',
  'handshakeTimeoutMs',
  'heartbeatIntervalMs',
  'heartbeatTimeoutMs',
  'maxInFlight',
  'rateLimitPerSecond',
  'rateLimitBurst',
  'historySize',
  'sendHighWaterMark',
  'sendHardLimit',
] as const;
const NON_NEGATIVE = [
  'port',
  'sessionTtlMs',
  'rateLimitCooldownMs',
  'maxProtocolErrors',
  'maxSubscriptionsPerConnection',
  'historyTtlMs',
  'sendStallTimeoutMs',
  'sendReadWindow',
  'goAwayAfterMs',
  'closeTimeoutMs',
] as const;

/**
 * Applies defaults and checks numbers, so a typo fails at startup instead of at the first
 * connection.
 * @throws AckwireServerError INVALID_OPTION
 */
export function resolveOptions(options: ServerOptions = {}): ResolvedServerOptions {
  const defined = Object.fromEntries(
    Object.entries(options).filter(([, v]) => v !== undefined),
  ) as ServerOptions;
  const resolved = { ...DEFAULT_SERVER_OPTIONS, ...defined } as ResolvedServerOptions;
  for (const key of POSITIVE) check(key, resolved[key], 1);
  for (const key of NON_NEGATIVE) check(key, resolved[key], 0);
  if (resolved.sendHardLimit < resolved.sendHighWaterMark) {
    throw new AckwireServerError(
      'INVALID_OPTION',
      'sendHardLimit: expected at least sendHighWaterMark',
    );
  }
  if (resolved.path !== undefined && !resolved.path.startsWith('/')) {
    throw new AckwireServerError(
      'INVALID_OPTION',
      `path: expected to start with "/", got ${resolved.path}`,
    );
  }
  return resolved;
}

function check(key: string, value: number, min: number): void {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min) {
    throw new AckwireServerError(
      'INVALID_OPTION',
      `${key}: expected a finite number >= ${min}, got ${String(value)}`,
    );
  }
}
