/**
 * The outbox: every id-carrying message from the moment `send` is called until it is settled
 * (a receipt arrived, or the client gave up). Queued and in-flight messages are kept apart,
 * keyed by id, both in id order.
 *
 * - Ids are assigned once, at the call, and kept across every retry (docs/protocol.md §3).
 * - Window rule (§3): with floor = the lowest unsettled id, no id >= floor + window is written.
 * - After a reconnect the in-flight messages go back to the head of the queue, so unsettled
 *   ids are re-sent first, in id order, and the server sees send order.
 * - Bounded by count and by bytes; on overflow the new message is refused (`QUEUE_FULL`) or the
 *   oldest queued one is evicted (`DROPPED`), as the `overflow` option says.
 * - Each message has a total deadline from the call (`TIMEOUT`) and an attempt budget
 *   (`RETRIES_EXHAUSTED`). One timer serves every deadline: it is due at the earliest one and,
 *   when it fires, fails what has expired and re-arms for the next (a timer per message cost
 *   an allocation and a setTimeout/clearTimeout pair on every send).
 */
import type { Clock } from './clock.js';
import { clientError, type AckwireClientError } from './errors.js';
import type { OverflowPolicy } from './options.js';
import { Timer } from './timer.js';

/** Kinds that carry an id and travel through the outbox. */
export type OutboxKind = 'msg' | 'sub' | 'unsub' | 'pub' | 'bcast' | 'to';

/** One unsettled message. @internal */
export interface OutboxEntry {
  readonly id: number;
  readonly kind: OutboxKind;
  /** The encoded frame, built once at the call so later mutation of the data cannot leak in. */
  readonly frame: string | Uint8Array;
  /** Encoded size in bytes. */
  readonly bytes: number;
  readonly createdAt: number;
  /** Absolute wall-clock deadline. */
  deadline: number;
  /** Times written so far. */
  attempts: number;
  /** When it was last written on the current connection; undefined while queued. */
  writtenAt: number | undefined;
  /** When its overdue receipt triggered a liveness probe; undefined when none did. */
  probedAt?: number | undefined;
  /** Topic of a `sub`/`unsub`, for the subscription registry. */
  readonly topic?: string;
  resolve(data: unknown): void;
  reject(error: Error): void;
}

/** What the outbox needs from the connection. @internal */
export interface OutboxHooks {
  /** Writes one frame; returns false when it could not (no session, or backpressure). */
  write(entry: OutboxEntry): boolean;
  /** Something settled: room may have appeared. */
  settled(): void;
}

/** Bounds and policies of the outbox. @internal */
export interface OutboxLimits {
  maxQueue: number;
  maxQueueBytes: number;
  overflow: OverflowPolicy;
  maxAttempts: number;
}

/** Queued and in-flight messages of one client. @internal */
export class Outbox {
  #queued = new Map<number, OutboxEntry>();
  readonly #inFlight = new Map<number, OutboxEntry>();
  /** Due at (or before) the earliest deadline while anything is unsettled. */
  readonly #deadlineTimer: Timer;
  #lastId = 0;
  #totalBytes = 0;
  #flushing = false;
  /** Current window: min(option, server's limit). */
  window: number;
  /** Largest frame the server accepts. */
  maxBytes: number;

  readonly #clock: Clock;
  readonly #limits: OutboxLimits;
  readonly #hooks: OutboxHooks;

  constructor(
    clock: Clock,
    limits: OutboxLimits,
    hooks: OutboxHooks,
    window: number,
    maxBytes: number,
  ) {
    this.#clock = clock;
    this.#limits = limits;
    this.#hooks = hooks;
    this.window = window;
    this.maxBytes = maxBytes;
    this.#deadlineTimer = new Timer(clock, () => this.#expire());
  }

  /**
   * The id the next admitted message must carry: one counter for the client's whole life
   * (§3). It is committed by {@link add}, so a refused message leaves no hole.
   */
  peekId(): number {
    return this.#lastId + 1;
  }

  /** Messages waiting to be written on the current connection. */
  get queuedCount(): number {
    return this.#queued.size;
  }

  /** Messages written on the current connection and awaiting their receipt. */
  get inFlightCount(): number {
    return this.#inFlight.size;
  }

  /** Encoded bytes of every unsettled message. */
  get bytes(): number {
    return this.#totalBytes;
  }

  /** Encoded bytes of queued (not yet written) messages. */
  get queuedBytes(): number {
    let n = 0;
    for (const e of this.#queued.values()) n += e.bytes;
    return n;
  }

  /** The lowest unsettled id, or the next id when nothing is unsettled (`hello.floor`). */
  get floor(): number {
    for (const id of this.#inFlight.keys()) return id;
    for (const id of this.#queued.keys()) return id;
    return this.#lastId + 1;
  }

  /** True when one more message of `bytes` fits without overflow. */
  hasRoom(bytes = 0): boolean {
    const count = this.#queued.size + this.#inFlight.size;
    return count < this.#limits.maxQueue && this.#totalBytes + bytes <= this.#limits.maxQueueBytes;
  }

  /**
   * Admits a message, evicting queued ones under `'drop-oldest'`.
   * @throws AckwireClientError `QUEUE_FULL` when it does not fit.
   */
  add(entry: OutboxEntry): void {
    if (entry.id !== this.#lastId + 1) {
      throw new Error(`outbox: id ${entry.id} out of order`);
    }
    if (entry.bytes > this.#limits.maxQueueBytes) {
      throw clientError('QUEUE_FULL', `${entry.bytes} bytes can never fit maxQueueBytes`);
    }
    while (!this.hasRoom(entry.bytes)) {
      const victim = this.#limits.overflow === 'drop-oldest' ? this.#oldestQueued() : undefined;
      if (!victim) {
        throw clientError('QUEUE_FULL', 'outbox full');
      }
      this.#fail(victim, clientError('DROPPED', `message ${victim.id}: evicted (drop-oldest)`));
    }
    this.#lastId = entry.id;
    this.#queued.set(entry.id, entry);
    this.#totalBytes += entry.bytes;
    this.#deadlineTimer.startIfSooner(entry.deadline - this.#clock.now());
  }

  /** Fails every message past its deadline, in id order, then re-arms for the next deadline. */
  #expire(): void {
    const now = this.#clock.now();
    const expired: OutboxEntry[] = [];
    let next = Infinity;
    for (const map of [this.#inFlight, this.#queued]) {
      for (const e of map.values()) {
        if (e.deadline <= now) expired.push(e);
        else if (e.deadline < next) next = e.deadline;
      }
    }
    for (const e of expired) {
      // A failure settles a promise and may flush: only fail what is still unsettled.
      if (this.#inFlight.get(e.id) === e || this.#queued.get(e.id) === e) {
        this.#fail(e, clientError('TIMEOUT', `message ${e.id}: no receipt in time`));
      }
    }
    if (next !== Infinity && this.#queued.size + this.#inFlight.size > 0) {
      this.#deadlineTimer.startIfSooner(next - this.#clock.now());
    }
  }

  #oldestQueued(): OutboxEntry | undefined {
    for (const e of this.#queued.values()) return e;
    return undefined;
  }

  /**
   * Writes queued messages in id order while the window and the connection allow. Returns the
   * number written.
   */
  flush(): number {
    // A failure below settles a promise, and the settled hook may call flush again: run once.
    if (this.#flushing) return 0;
    this.#flushing = true;
    try {
      return this.#flushOnce();
    } finally {
      this.#flushing = false;
    }
  }

  #flushOnce(): number {
    let written = 0;
    // Writing keeps the lowest unsettled id; only a failure can raise it.
    let floor = this.floor;
    for (const entry of this.#queued.values()) {
      if (entry.id >= floor + this.window) break;
      if (entry.bytes > this.maxBytes) {
        this.#fail(entry, tooLarge(entry.bytes, this.maxBytes));
        floor = this.floor;
        continue;
      }
      if (this.#exhausted(entry)) {
        floor = this.floor;
        continue;
      }
      if (!this.#hooks.write(entry)) break;
      entry.attempts++;
      entry.writtenAt = this.#clock.now();
      this.#queued.delete(entry.id);
      this.#inFlight.set(entry.id, entry);
      written++;
    }
    return written;
  }

  /** In-flight messages, in id order. */
  inFlightEntries(): IterableIterator<OutboxEntry> {
    return this.#inFlight.values();
  }

  /**
   * Writes an in-flight message again on the same connection: a new delivery attempt, which
   * the server answers with the stored (or awaited) receipt and never processes twice (§3).
   */
  rewrite(entry: OutboxEntry): void {
    if (this.#inFlight.get(entry.id) !== entry || this.#exhausted(entry)) return;
    entry.probedAt = undefined;
    if (!this.#hooks.write(entry)) return;
    entry.attempts++;
    entry.writtenAt = this.#clock.now();
  }

  /** The connection was lost: every in-flight message goes back to the head of the queue. */
  requeueInFlight(): void {
    if (this.#inFlight.size === 0) return;
    for (const e of this.#inFlight.values()) {
      e.writtenAt = undefined;
      e.probedAt = undefined;
    }
    this.#queued = new Map([...this.#inFlight, ...this.#queued]);
    this.#inFlight.clear();
  }

  /** Settles `id` with the receipt's outcome. Unknown ids (already settled) are ignored. */
  settle(id: number, outcome: { ok: true; data: unknown } | { ok: false; error: Error }): boolean {
    const entry = this.#inFlight.get(id) ?? this.#queued.get(id);
    if (!entry) return false;
    this.#remove(entry);
    if (outcome.ok) entry.resolve(outcome.data);
    else entry.reject(outcome.error);
    this.#hooks.settled();
    return true;
  }

  /** Shortens deadlines to at most `ttl` after each message's call (docs/protocol.md §3). */
  clampDeadlines(ttl: number): void {
    for (const e of [...this.#inFlight.values(), ...this.#queued.values()]) {
      const limit = e.createdAt + ttl;
      if (limit < e.deadline) {
        e.deadline = limit;
        this.#deadlineTimer.startIfSooner(limit - this.#clock.now());
      }
    }
  }

  /** Settles (rejects) every queued entry matching `match`, e.g. stale `sub`s before a `hello`. */
  discardQueued(match: (e: OutboxEntry) => boolean, error: () => AckwireClientError): void {
    for (const e of [...this.#queued.values()]) if (match(e)) this.#fail(e, error());
  }

  /** Rejects every unsettled message (client closed). */
  rejectAll(error: () => AckwireClientError): void {
    for (const e of [...this.#inFlight.values(), ...this.#queued.values()]) {
      this.#remove(e);
      e.reject(error());
    }
  }

  /** When the oldest in-flight message was written, or undefined when none is in flight. */
  oldestWrittenAt(): number | undefined {
    let oldest: number | undefined;
    for (const e of this.#inFlight.values()) {
      if (e.writtenAt !== undefined && (oldest === undefined || e.writtenAt < oldest))
        oldest = e.writtenAt;
    }
    return oldest;
  }

  /** Fails `entry` with `RETRIES_EXHAUSTED` when its attempt budget is spent. */
  #exhausted(entry: OutboxEntry): boolean {
    const spent = entry.attempts >= this.#limits.maxAttempts;
    if (spent) {
      this.#fail(entry, clientError('RETRIES_EXHAUSTED', `message ${entry.id}: no receipt`));
    }
    return spent;
  }

  #fail(entry: OutboxEntry, error: Error): void {
    this.#remove(entry);
    entry.reject(error);
    this.#hooks.settled();
  }

  #remove(entry: OutboxEntry): void {
    if (this.#queued.delete(entry.id) || this.#inFlight.delete(entry.id))
      this.#totalBytes -= entry.bytes;
    // The timer stays armed for a settled message's deadline (cheaper than re-scanning on
    // every receipt); it is stopped once nothing is left to time out.
    if (this.#queued.size + this.#inFlight.size === 0) this.#deadlineTimer.stop();
  }
}

/** `MESSAGE_TOO_LARGE` for a frame of `bytes` over the `max` the server (or option) allows. @internal */
export function tooLarge(bytes: number, max: number): AckwireClientError {
  return clientError('MESSAGE_TOO_LARGE', `${bytes} bytes exceeds maxBytes ${max}`);
}
