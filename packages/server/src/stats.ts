/**
 * Counters behind `server.stats()`. Plain numbers incremented in place: cheap enough for every
 * frame, read as one snapshot.
 */

/** Monotonic counters of a server's traffic since it started. @internal */
export class Counters {
  messagesIn = 0;
  messagesOut = 0;
  bytesIn = 0;
  bytesOut = 0;
  dedupHits = 0;
  volatileDropped = 0;
  rateLimited = 0;
  cooldownRefused = 0;
  protocolErrors = 0;
  upgradesRejected = 0;
  handlerErrors = 0;
  connectionsTotal = 0;
}

/** Snapshot returned by `server.stats()`. */
export interface ServerStats {
  /** Open WebSocket connections (any state). */
  connections: number;
  /** Sessions held (connected, or disconnected within `sessionTtlMs`). */
  sessions: number;
  /** Client ids whose receipts the dedup store holds. */
  dedupClients: number;
  /** Topics held (with subscribers or history). */
  topics: number;
  /** Subscriptions across every connection. */
  subscriptions: number;
  /**
   * Subscriptions whose connection had no room for their events: parked on the topic, written
   * from history by cursor once the socket drains (docs/protocol.md §8.3).
   */
  parkedSubscriptions: number;
  /** Events held in memory across topics: history, and what parked subscriptions still need. */
  eventsKept: number;
  /** Server timers pending (heartbeat sweep, delayed sends, close deadline). */
  timers: number;
  /** Frames received. */
  messagesIn: number;
  /** Frames sent. */
  messagesOut: number;
  /** Payload bytes received. */
  bytesIn: number;
  /** Payload bytes sent. */
  bytesOut: number;
  /** Retried ids answered from the dedup store instead of the handler. */
  dedupHits: number;
  /** Volatile messages dropped because a connection was past its high-water mark. */
  volatileDropped: number;
  /** Messages refused by the rate limit. */
  rateLimited: number;
  /** `hello`s refused because their client id was closed 1008 within `rateLimitCooldownMs`. */
  cooldownRefused: number;
  /** Invalid frames received. */
  protocolErrors: number;
  /** HTTP upgrades refused (origin, version, limits, path). */
  upgradesRejected: number;
  /** Handler calls that threw (answered with an error receipt). */
  handlerErrors: number;
  /** WebSocket connections accepted since start. */
  connectionsTotal: number;
}
