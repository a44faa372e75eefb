/**
 * The messages between a chaos runner and its server process (`server-process.ts`): requests
 * with an id, replies with the same id, and one `ready` message when the server listens.
 */

/** How the runner configures the server process (passed as JSON in the environment). */
export interface ServerProcessConfig {
  /** Port on 127.0.0.1; the same one after every restart. */
  port: number;
  /** Journal of the durable dedup store; the in-memory store when absent. */
  journal?: string;
  /**
   * Without `journal`: a file the `record` handler appends its effect to, as the journal would,
   * while receipts stay in the in-memory store (to show what a crash does without a durable one).
   */
  effects?: string;
  /** File every publication is appended to (`{topic, seq, epoch, offset}` per line). */
  pubLog?: string;
  /** Options of `@ackwire/server` that survive JSON (numbers and booleans). */
  options?: Record<string, number | boolean>;
  /** Node flags of the server process (before any in `CHAOS_SERVER_FLAGS`). */
  nodeFlags?: readonly string[];
}

/** A request to the server process. */
export type ChildRequest = { id: number } & (
  | { cmd: 'publish'; topic: string; seqs: number[]; padBytes?: number }
  | { cmd: 'positions' }
  | { cmd: 'stats' }
  | { cmd: 'dead-peers' }
  | { cmd: 'closed-cids' }
  | { cmd: 'gc' }
  | { cmd: 'load' }
);

/** The answer to one request. */
export type ChildReply =
  { id: number; ok: true; result: unknown } | { id: number; ok: false; error: string };

/** What `stats` answers. */
export interface ChildStats {
  server: {
    connections: number;
    sessions: number;
    subscriptions: number;
    messagesIn: number;
    volatileDropped: number;
    rateLimited: number;
    protocolErrors: number;
    upgradesRejected: number;
    dedupHits: number;
    connectionsTotal: number;
    handlerErrors: number;
  };
  rss: number;
  heapUsed: number;
  prototypeKeysAdded: string[];
  uncaught: number;
  /** Closes by code since the process started. */
  closes: Record<string, number>;
  /** Open connections, distinct client ids among them, and ids with more than one connection. */
  census: { connections: number; cids: number; duplicateCids: number };
}
