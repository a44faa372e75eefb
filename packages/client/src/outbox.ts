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
 *   (`RETRIES_EXHAUSTED`).
 *
 * The outbox owns no timer: the session's one deadline timer calls {@link Outbox._expire} and
 * {@link Outbox._overdue} when their due times come, and each returns when it is due next.
 *
 * Members named `_x` are internal and renamed in the shipped builds (scripts/rollup-lib.mjs).
 * @internal
 */
import { clientError, type AckwireClientError } from './errors.js';
import type { ResolvedOptions } from './options.js';
import type { Receipt } from './types.js';

/** Kinds that carry an id and travel through the outbox. @internal */
export type OutboxKind = 'msg' | 'sub' | 'unsub' | 'pub' | 'bcast' | 'to';

/** One unsettled message. @internal */
export interface OutboxEntry {
  readonly _id: number;
  readonly _kind: OutboxKind;
  /** The encoded frame, built once at the call so later mutation of the data cannot leak in. */
  readonly _frame: string | Uint8Array;
  /** Encoded size in bytes. */
  readonly _bytes: number;
  readonly _createdAt: number;
  /** Absolute wall-clock deadline. */
  _deadline: number;
  /** Times written so far. */
  _attempts: number;
  /** When it was last written on the current connection; undefined while queued. */
  _writtenAt: number | undefined;
  /** When its overdue receipt triggered a liveness probe; undefined when none did. */
  _probedAt?: number | undefined;
  /** Topic of a `sub`/`unsub`, for the subscription registry. */
  readonly _topic?: string | undefined;
  /** Settles the caller's promise with the receipt. */
  _resolve(receipt: Receipt): void;
  _reject(error: Error): void;
}

/** What the outbox needs from the connection. @internal */
export interface OutboxHost {
  /** Writes one frame; returns false when it could not (no session, or backpressure). */
  _write(entry: OutboxEntry): boolean;
  /** Something settled: room may have appeared, and the window's floor may have moved. */
  _settled(): void;
}

/** The options the outbox reads. @internal */
export type OutboxOptions = Pick<
  ResolvedOptions,
  'clock' | 'maxQueue' | 'maxQueueBytes' | 'overflow' | 'maxAttempts' | 'maxInFlight'
> & { maxMessageBytes: number };

/** Queued and in-flight messages of one client. @internal */
export class Outbox {
  #queued = new Map<number, OutboxEntry>();
  readonly #inFlight = new Map<number, OutboxEntry>();
  #lastId = 0;
  /** The last value of {@link _floor}: no unsettled id is below it. */
  #floor = 1;
  #totalBytes = 0;
  #flushing = false;
  /** Current window: min(option, server's limit). */
  _window: number;
  /** Largest frame the server accepts. */
  _maxBytes: number;

  readonly #o: OutboxOptions;
  readonly #host: OutboxHost;

  constructor(options: OutboxOptions, host: OutboxHost) {
    this.#o = options;
    this.#host = host;
    this._window = options.maxInFlight;
    this._maxBytes = options.maxMessageBytes;
  }

  /**
   * The id the next admitted message must carry: one counter for the client's whole life
   * (§3). It is committed by {@link _add}, so a refused message leaves no hole.
   */
  _peekId(): number {
    return this.#lastId + 1;
  }

  /** Messages waiting to be written on the current connection. */
  get _queuedCount(): number {
    return this.#queued.size;
  }

  /** Messages written on the current connection and awaiting their receipt. */
  get _inFlightCount(): number {
    return this.#inFlight.size;
  }

  /** Encoded bytes of every unsettled message. */
  get _bytes(): number {
    return this.#totalBytes;
  }

  /** Encoded bytes of queued (not yet written) messages. */
  _queuedBytes(): number {
    let n = 0;
    for (const e of this.#queued.values()) n += e._bytes;
    return n;
  }

  /**
   * The lowest unsettled id, or the next id when nothing is unsettled (`hello.floor`). Ids only
   * leave and new ones are always above it, so it only moves up: each id is stepped over once.
   * (Asking a Map for its first key instead walks past every slot its settled entries left,
   * which V8 keeps until it rehashes: up to a window of them, on every flush; issue 7.)
   */
  _floor(): number {
    let id = this.#floor;
    while (id <= this.#lastId && !this.#inFlight.has(id) && !this.#queued.has(id)) id++;
    return (this.#floor = id);
  }

  /** True when one more message of `bytes` fits without overflow. */
  _hasRoom(bytes = 0): boolean {
    const count = this.#queued.size + this.#inFlight.size;
    return count < this.#o.maxQueue && this.#totalBytes + bytes <= this.#o.maxQueueBytes;
  }

  /**
   * Admits a message, evicting queued ones under `'drop-oldest'`.
   * @throws AckwireClientError `QUEUE_FULL` when it does not fit.
   */
  _add(entry: OutboxEntry): void {
    if (entry._id !== this.#lastId + 1) throw new Error(`outbox: id ${entry._id} out of order`);
    if (entry._bytes > this.#o.maxQueueBytes) {
      throw clientError('QUEUE_FULL', `${entry._bytes} bytes can never fit maxQueueBytes`);
    }
    while (!this._hasRoom(entry._bytes)) {
      const victim = this.#o.overflow === 'drop-oldest' && this.#queued.values().next().value;
      if (!victim) throw clientError('QUEUE_FULL', 'outbox full');
      this.#fail(victim, clientError('DROPPED', `message ${victim._id}: evicted (drop-oldest)`));
    }
    this.#lastId = entry._id;
    this.#queued.set(entry._id, entry);
    this.#totalBytes += entry._bytes;
  }

  /**
   * Fails every message past its deadline, in id order. Returns the next deadline (Infinity
   * when nothing is left to time out).
   */
  _expire(now: number): number {
    let next = Infinity;
    for (const e of this.#all()) {
      // A failure settles a promise and may flush: only fail what is still unsettled.
      if (e._deadline > now) next = Math.min(next, e._deadline);
      else if (this.#owns(e))
        this.#fail(e, clientError('TIMEOUT', `message ${e._id}: no receipt in time`));
    }
    return next;
  }

  /**
   * Overdue receipts (issue 4, "Outbox"). A receipt missing `timeoutMs` after the write is first
   * a liveness question: the result's `probe` asks the session to probe the link at once (a dead
   * link is replaced and the message re-sent on the new one). If the link proves alive and the
   * receipt is still missing one more `timeoutMs` later, the message is written again on the
   * same connection; the server answers with its stored (or awaited) receipt and never
   * processes it twice (§3). Times count from the write, so time spent queued never counts.
   * Returns whether to probe and when the next check is due (Infinity: nothing in flight).
   */
  _overdue(now: number, timeoutMs: number): { probe: boolean; next: number } {
    let probe = false;
    let next = Infinity;
    for (const e of [...this.#inFlight.values()]) {
      if (e._writtenAt === undefined) continue;
      if (e._probedAt === undefined) {
        if (now - e._writtenAt >= timeoutMs) {
          e._probedAt = now;
          probe = true;
        }
      } else if (now - e._probedAt >= timeoutMs) {
        // The probe had its time and the link is still up: ask for the receipt again.
        e._probedAt = undefined;
        if (this.#owns(e) && !this.#exhausted(e)) this.#write(e, now);
      }
      if (this.#inFlight.get(e._id) === e && e._writtenAt !== undefined) {
        next = Math.min(next, (e._probedAt ?? e._writtenAt) + timeoutMs);
      }
    }
    return { probe, next };
  }

  /**
   * Writes queued messages in id order while the window and the connection allow. Returns the
   * number written.
   */
  _flush(): number {
    // A failure below settles a promise, and the settled hook may call flush again: run once.
    if (this.#flushing) return 0;
    this.#flushing = true;
    let written = 0;
    // Read once, at the first write: every message of one flush goes out at the same time.
    let now: number | undefined;
    try {
      // Writing keeps the lowest unsettled id; only a failure can raise it.
      let floor = this._floor();
      for (const entry of this.#queued.values()) {
        if (entry._id >= floor + this._window) break;
        if (entry._bytes > this._maxBytes) {
          this.#fail(entry, tooLarge(entry._bytes, this._maxBytes));
          floor = this._floor();
          continue;
        }
        if (this.#exhausted(entry)) {
          floor = this._floor();
          continue;
        }
        if (!this.#write(entry, (now ??= this.#o.clock.now()))) break;
        this.#queued.delete(entry._id);
        this.#inFlight.set(entry._id, entry);
        written++;
      }
    } finally {
      this.#flushing = false;
    }
    return written;
  }

  /** The connection was lost: every in-flight message goes back to the head of the queue. */
  _requeueInFlight(): void {
    if (this.#inFlight.size === 0) return;
    for (const e of this.#inFlight.values()) {
      e._writtenAt = undefined;
      e._probedAt = undefined;
    }
    this.#queued = new Map([...this.#inFlight, ...this.#queued]);
    this.#inFlight.clear();
  }

  /**
   * Settles `id` with the receipt's outcome: `data` on success, or the server's error.
   * Unknown ids (already settled) are ignored. Returns whether `id` was unsettled.
   */
  _settle(id: number, data: unknown, error?: Error): boolean {
    const entry = this.#inFlight.get(id) ?? this.#queued.get(id);
    if (!entry) return false;
    this.#remove(entry);
    if (error) entry._reject(error);
    else entry._resolve({ id, data, attempts: entry._attempts });
    this.#host._settled();
    return true;
  }

  /**
   * Shortens deadlines to at most `ttl` after each message's call (docs/protocol.md §3).
   * Returns the earliest deadline.
   */
  _clampDeadlines(ttl: number): number {
    let first = Infinity;
    for (const e of this.#all()) {
      e._deadline = Math.min(e._deadline, e._createdAt + ttl);
      first = Math.min(first, e._deadline);
    }
    return first;
  }

  /** Settles (rejects) every queued `sub`/`unsub`: `hello.subs` supersedes them. */
  _discardQueuedSubs(error: () => AckwireClientError): void {
    for (const e of [...this.#queued.values()]) {
      if (e._kind === 'sub' || e._kind === 'unsub') this.#fail(e, error());
    }
  }

  /** Rejects every unsettled message (client closed). */
  _rejectAll(error: () => AckwireClientError): void {
    for (const e of this.#all()) {
      this.#remove(e);
      e._reject(error());
    }
  }

  /** Every unsettled entry, in flight first: a copy, as settling one changes the maps. */
  #all(): OutboxEntry[] {
    return [...this.#inFlight.values(), ...this.#queued.values()];
  }

  #owns(e: OutboxEntry): boolean {
    return this.#inFlight.get(e._id) === e || this.#queued.get(e._id) === e;
  }

  #write(entry: OutboxEntry, now: number): boolean {
    if (!this.#host._write(entry)) return false;
    entry._attempts++;
    entry._writtenAt = now;
    return true;
  }

  /** Fails `entry` with `RETRIES_EXHAUSTED` when its attempt budget is spent. */
  #exhausted(entry: OutboxEntry): boolean {
    const spent = entry._attempts >= this.#o.maxAttempts;
    if (spent) {
      this.#fail(entry, clientError('RETRIES_EXHAUSTED', `message ${entry._id}: no receipt`));
    }
    return spent;
  }

  #fail(entry: OutboxEntry, error: Error): void {
    this.#remove(entry);
    entry._reject(error);
    this.#host._settled();
  }

  #remove(entry: OutboxEntry): void {
    // In flight first: a receipt is by far the most frequent way out.
    if (this.#inFlight.delete(entry._id) || this.#queued.delete(entry._id)) {
      this.#totalBytes -= entry._bytes;
    }
  }
}

/** `MESSAGE_TOO_LARGE` for a frame of `bytes` over the `max` the server (or option) allows. @internal */
export function tooLarge(bytes: number, max: number): AckwireClientError {
  return clientError('MESSAGE_TOO_LARGE', `${bytes} bytes exceeds maxBytes ${max}`);
}
