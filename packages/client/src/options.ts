/**
 * Client options: one interface, a JSDoc paragraph and `@default` per field, one frozen
 * defaults object, applied in one place (`resolveOptions`).
 */
import { DEFAULT_LIMITS, type ProtocolLimits } from '@ackwire/protocol';
import type { RandomSource } from './backoff.js';
import { systemClock, type Clock } from './clock.js';
import { refused } from './errors.js';
import type { LifecycleTarget } from './lifecycle.js';
import type { WebSocketConstructor } from './websocket.js';

/** What `send` does when the outbox is full. */
export type OverflowPolicy = 'reject' | 'drop-oldest';

/** Options of {@link AckwireClient}. Every field is optional. */
export interface ClientOptions {
  /**
   * The WebSocket constructor. In browsers and Node >= 22 the global one is used; in Node 20
   * pass `WebSocket` from the `ws` package; in tests, `mock-socket`'s.
   * @default globalThis.WebSocket
   */
  WebSocket?: WebSocketConstructor;
  /**
   * Auth token sent in `hello`: a string, or a function called before every connection attempt
   * (so an expired token is refreshed on reconnect). A token the server refuses (close 4001)
   * is never sent again; a static string that is refused closes the client with `AUTH_REJECTED`.
   * @default undefined (no token)
   */
  auth?: string | (() => string | Promise<string>);
  /**
   * This client instance's id (8 to 64 characters from `[A-Za-z0-9_-]`). The server keys
   * deduplication on it, so it must be unique per live client object.
   * @default a random 128-bit id, URL-safe base64
   */
  clientId?: string;
  /**
   * Connect in the constructor. With `false`, call `connect()`.
   * @default true
   */
  autoConnect?: boolean;
  /**
   * Total deadline of a `send` (and of `publish`, `broadcast`, `sendTo`), from the call, across
   * every retry. Always clamped to the server's `welcome.ttl`, so that the server's dedup state
   * outlives every retry. On expiry the promise rejects with `TIMEOUT`.
   * @default 60000
   */
  sendTimeoutMs?: number;
  /**
   * How long a written message may wait for its receipt before the client asks whether the
   * link is alive (an immediate heartbeat probe). A live link keeps the message waiting; a dead
   * one is replaced and the message re-sent. Counted from the write, not from the `send` call,
   * so time spent queued does not count.
   * @default 10000
   */
  receiptTimeoutMs?: number;
  /**
   * Most times one message is written (first send plus re-sends after reconnects) before its
   * promise rejects with `RETRIES_EXHAUSTED`.
   * @default Infinity
   */
  maxAttempts?: number;
  /**
   * Most unsettled messages (queued or in flight) the outbox holds.
   * @default 1000
   */
  maxQueue?: number;
  /**
   * Most bytes of encoded unsettled messages the outbox holds.
   * @default 1048576 (1 MiB)
   */
  maxQueueBytes?: number;
  /**
   * What `send` does when the outbox is full: `'reject'` the new message with `QUEUE_FULL`, or
   * `'drop-oldest'` queued message (its promise rejects with `DROPPED`) to make room.
   * @default 'reject'
   */
  overflow?: OverflowPolicy;
  /**
   * Most messages in flight at once (the id window of docs/protocol.md §9), further capped by
   * the server's `welcome.limits.maxInFlight`.
   * @default 256
   */
  maxInFlight?: number;
  /**
   * Largest encoded message the client sends, further capped by the server's
   * `welcome.limits.maxBytes`. Larger messages reject with `MESSAGE_TOO_LARGE`.
   * @default 65536
   */
  maxMessageBytes?: number;
  /**
   * Ceiling of the first reconnect delay; the ceiling doubles per failed attempt. The first
   * retry after losing a session is uniform over [0, backoffBaseMs), so when a server crashes
   * and all its clients see 1006 at once, each 100 ms window expects 100 / backoffBaseMs of
   * their attempts (2.5% at 4000). The busiest window runs ~50% above that mean with 1,000
   * clients, so 4000 keeps it under 5% (3000 exceeds 5% in about 6% of 1,000-client crashes).
   * The trade-off: one client reconnects after a blip in backoffBaseMs / 2 on average (2 s;
   * socket.io-client waits 500-1500 ms). Lower it when few clients share a server.
   * @default 4000
   */
  backoffBaseMs?: number;
  /**
   * Largest reconnect delay ceiling. Delays are drawn uniformly from [0, ceiling] (full
   * jitter), also at the cap.
   * @default 10000
   */
  backoffCapMs?: number;
  /**
   * Width of the jitter window after a `retry-later` close (a graceful restart: `goaway` then
   * 1001): the client waits the server's `goaway.after` (or, without one, `backoffCapMs`) plus a
   * uniform draw from [0, retryLaterJitterMs), so a restart is spread over this window rather
   * than over the whole cap.
   * @default 4000
   */
  retryLaterJitterMs?: number;
  /**
   * Heartbeat interval used until the server's `welcome` announces its own: after this much
   * silence the client sends a ping.
   * @default 25000
   */
  heartbeatIntervalMs?: number;
  /**
   * Heartbeat timeout used until the server's `welcome` announces its own: after interval +
   * timeout of silence the link is declared dead and replaced.
   * @default 10000
   */
  heartbeatTimeoutMs?: number;
  /**
   * Most time from opening a socket to the server's `welcome`; then the attempt is abandoned
   * and retried with backoff.
   * @default 10000
   */
  connectTimeoutMs?: number;
  /**
   * Flow control: while the socket's `bufferedAmount` is above this many bytes the outbox
   * stops writing (and `sendVolatile` drops).
   * @default 1048576 (1 MiB)
   */
  highWaterMark?: number;
  /**
   * Flow control: writing resumes, and `drain` is emitted, once `bufferedAmount` is at or
   * below this many bytes.
   * @default 262144 (256 KiB)
   */
  lowWaterMark?: number;
  /**
   * Limits for decoding server frames; frames beyond them are dropped and reported as an
   * `error` event.
   * @default the protocol's DEFAULT_LIMITS with maxBytes 1048576
   */
  decodeLimits?: Partial<ProtocolLimits>;
  /**
   * Where to listen for `online`, `offline` and `visibilitychange`. `null` disables the hooks.
   * @default globalThis, when it has addEventListener (browsers); otherwise none
   */
  lifecycle?: LifecycleTarget | null;
  /**
   * The clock (`now`, `setTimeout`, `clearTimeout`). Tests inject a fake one.
   * @default Date.now and the global timers
   */
  clock?: Clock;
  /**
   * Uniform random source in [0, 1) for backoff jitter. Tests inject a seeded one.
   * @default Math.random
   */
  random?: RandomSource;
}

/** Defaults of every option that has one (see {@link ClientOptions}). */
export const DEFAULT_CLIENT_OPTIONS = Object.freeze({
  autoConnect: true,
  sendTimeoutMs: 60_000,
  receiptTimeoutMs: 10_000,
  maxAttempts: Infinity,
  maxQueue: 1000,
  maxQueueBytes: 1024 * 1024,
  overflow: 'reject',
  maxInFlight: 256,
  maxMessageBytes: 64 * 1024,
  backoffBaseMs: 4000,
  backoffCapMs: 10_000,
  retryLaterJitterMs: 4000,
  heartbeatIntervalMs: 25_000,
  heartbeatTimeoutMs: 10_000,
  connectTimeoutMs: 10_000,
  highWaterMark: 1024 * 1024,
  lowWaterMark: 256 * 1024,
  decodeLimits: Object.freeze({ ...DEFAULT_LIMITS, maxBytes: 1024 * 1024 }),
  clock: systemClock,
  random: Math.random,
});

/** Options after defaults, as the client uses them (what `resolveOptions` returns). */
export interface ResolvedOptions extends Omit<
  Required<ClientOptions>,
  'WebSocket' | 'auth' | 'clientId' | 'lifecycle' | 'decodeLimits'
> {
  WebSocket: WebSocketConstructor | undefined;
  auth: ClientOptions['auth'];
  clientId: string | undefined;
  lifecycle: LifecycleTarget | null | undefined;
  decodeLimits: ProtocolLimits;
}

/**
 * Applies {@link DEFAULT_CLIENT_OPTIONS} to `options` and checks every value. Every numeric
 * option must be a number > 0, except `lowWaterMark`, which may be 0.
 * @throws AckwireClientError `INVALID_ARGUMENT` naming the offending option.
 */
export function resolveOptions(options: ClientOptions = {}): ResolvedOptions {
  const d = DEFAULT_CLIENT_OPTIONS;
  const o: Record<string, unknown> = { ...options };
  for (const [key, fallback] of Object.entries(d)) {
    o[key] ??= fallback;
    const v = o[key];
    if (
      typeof fallback === 'number' &&
      key !== 'lowWaterMark' &&
      !(typeof v === 'number' && v > 0)
    ) {
      throw refused(`options.${key}`, 'a number > 0', v);
    }
  }
  o.decodeLimits = { ...d.decodeLimits, ...options.decodeLimits };
  const r = o as unknown as ResolvedOptions;
  const low = r.lowWaterMark;
  if (typeof low !== 'number' || low < 0 || low > r.highWaterMark) {
    throw refused('options.lowWaterMark', '0 to highWaterMark', low);
  }
  if (r.overflow !== 'reject' && r.overflow !== 'drop-oldest') {
    throw refused('options.overflow', "'reject' or 'drop-oldest'", r.overflow);
  }
  if (r.auth !== undefined && typeof r.auth !== 'string' && typeof r.auth !== 'function') {
    throw refused('options.auth', 'a string or a function', typeof r.auth);
  }
  return r;
}
