/**
 * Sessions: the per-client-id state that outlives a connection (docs/protocol.md §1.4, §9).
 * A session holds the client's receipt window, its principal, its current connection and that
 * connection's subscriptions. It is kept `sessionTtlMs` after its last connection closed, so a
 * client that reconnects within its retry horizon finds its receipts again.
 */
import type { AckEnvelope } from '@ackwire/protocol';
import type { DedupStore, ReceiptWindow } from './dedup-store.js';

/** The connection a session is attached to, as far as the session needs it. @internal */
export interface SessionConnection {
  /** Sends a receipt that was produced while this connection was (or became) current. */
  sendReceipt(receipt: AckEnvelope): void;
  /** Holds writes until the microtask queue has run: receipts settling together leave together. */
  coalesceWrites?(): void;
}

/** State kept per client id. Handlers see it as `ctx.session`. */
export class Session {
  /** Client instance id from `hello.cid`. */
  readonly cid: string;
  /** Receipt window of this client id. @internal */
  readonly window: ReceiptWindow;
  /** Topics the current connection is subscribed to. */
  readonly topics = new Set<string>();
  /** Application state: anything a handler wants to keep for this client between messages. */
  readonly data = new Map<string, unknown>();
  /** What `authenticate` returned for the latest connection. */
  principal: unknown = undefined;
  /** Session id of the latest `welcome`. */
  sid: string | undefined = undefined;
  /** @internal */
  connection: SessionConnection | undefined = undefined;
  /** When the last connection closed, or undefined while connected. @internal */
  detachedAt: number | undefined = undefined;
  /** Until when a `hello` of this client id is refused: it was closed 1008 (cooldown.ts). @internal */
  cooldownUntil: number | undefined = undefined;

  constructor(cid: string, window: ReceiptWindow) {
    this.cid = cid;
    this.window = window;
  }

  /** True while a connection with an open session is attached. */
  get connected(): boolean {
    return this.connection !== undefined;
  }
}

/** Every session of one server, with TTL expiry driven by the server's sweep. @internal */
export class SessionRegistry {
  readonly #sessions = new Map<string, Session>();
  readonly #store: DedupStore;
  readonly #maxInFlight: number;
  readonly #ttlMs: number;

  constructor(store: DedupStore, maxInFlight: number, ttlMs: number) {
    this.#store = store;
    this.#maxInFlight = maxInFlight;
    this.#ttlMs = ttlMs;
  }

  get size(): number {
    return this.#sessions.size;
  }

  get(cid: string): Session | undefined {
    return this.#sessions.get(cid);
  }

  values(): IterableIterator<Session> {
    return this.#sessions.values();
  }

  /**
   * The session of `cid`, created when absent. `resumed` is true when the dedup store still held
   * the client's receipts (it announces `welcome.resumed`).
   */
  open(cid: string): { session: Session; resumed: boolean } {
    const held = this.#sessions.get(cid);
    if (held) {
      held.detachedAt = undefined;
      return { session: held, resumed: true };
    }
    const { window, existed } = this.#store.acquire(cid, this.#maxInFlight);
    const session = new Session(cid, window);
    this.#sessions.set(cid, session);
    return { session, resumed: existed };
  }

  /** Marks a session as disconnected at `now`; it expires `ttlMs` later. */
  detach(session: Session, now: number): void {
    session.connection = undefined;
    session.topics.clear();
    session.detachedAt = now;
    if (this.#ttlMs === 0) this.#expire(session);
  }

  /** Expires sessions disconnected for at least `ttlMs`. */
  sweep(now: number): void {
    for (const session of [...this.#sessions.values()]) {
      if (session.detachedAt !== undefined && now - session.detachedAt >= this.#ttlMs) {
        this.#expire(session);
      }
    }
  }

  /** Forgets every session (the store is cleared by its owner). */
  clear(): void {
    this.#sessions.clear();
  }

  #expire(session: Session): void {
    this.#sessions.delete(session.cid);
    this.#store.delete(session.cid);
  }
}
