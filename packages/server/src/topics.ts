/**
 * Topic streams (docs/protocol.md §8). Each topic has an epoch (random per creation, so a
 * restarted in-memory server never matches an old position) and offsets that start at 1. A
 * bounded history, by count and by age, lets a reconnecting subscriber recover what it missed.
 */
import { randomBytes } from 'node:crypto';
import type { EventEnvelope, Payload } from '@ackwire/protocol';
import { deferImmediate, type Defer } from './clock.js';
import { FanOut, type Recipient } from './fan-out.js';
import { History, type HistoryLimits } from './history.js';
import { encodeOutgoing, type OutgoingFrame } from './outgoing.js';

export type { HistoryLimits } from './history.js';

/**
 * Something that receives a topic's events (a connection). It gets the stored event itself (the
 * frame encoded once for every subscriber); one that has no room parks on the topic instead
 * (see {@link Topic}). @internal
 */
export type Subscriber = Recipient<StoredEvent>;

/**
 * An event held in history: its position and its frame, encoded once at publication. The
 * published value itself is not kept: the frame holds everything a replay needs, and keeping the
 * value too would double history's memory and keep the app's objects alive for the GC to mark.
 */
export interface StoredEvent {
  readonly topic: string;
  readonly epoch: string;
  readonly offset: number;
  readonly ts: number;
  readonly frame: OutgoingFrame;
}

/** Outcome of resuming from a position. */
export interface ResumeResult {
  /** True when history covered everything after the position (nothing was missed). */
  recovered: boolean;
  /**
   * Events sent after the subscribe result, in offset order: everything after the position when
   * recovered; otherwise whatever history the topic still holds after it (the whole history of
   * the new epoch after an epoch change), so that only what is truly gone is missed.
   */
  replay: readonly StoredEvent[];
  /**
   * The position the replay continues from (the offset before its first event; the topic's
   * current offset when nothing is replayed). Sent as the result's `offset` when not recovered.
   */
  from: number;
}

/** Fresh epoch: 64 random bits, base64url (matches EPOCH_PATTERN). @internal */
export function newEpoch(): string {
  return randomBytes(8).toString('base64url');
}

/**
 * Where a parked subscriber is in a topic: the offset of the next event it must be written.
 * Its events come from the topic's history, which keeps them (pins them) until it has.
 */
export interface Cursor {
  readonly topic: Topic;
  /** Offset of the next event to write. */
  next: number;
  /** Called when the events the cursor pins pass the topic's `backlogBytes` (close it). */
  readonly overrun: () => void;
}

/**
 * One topic: its position, history and subscribers. A subscriber is live (the fan-out writes each
 * publication to it) or parked (issue 8, slow consumers): its connection had no room for an
 * event, so it left the fan-out and writes from history, by cursor, as room comes; caught up, it
 * rejoins. A reader that stopped reading thus costs a publication nothing, and what it has yet
 * to read is the history's events (shared by every subscriber), not a queue of its own.
 */
export class Topic {
  readonly name: string;
  readonly epoch: string;
  readonly #subscribers = new Set<Subscriber>();
  /** Writes each publication to the live subscribers, in slices when large. */
  readonly fanOut: FanOut<StoredEvent>;
  readonly #live = new Set<Subscriber>();
  readonly #parked = new Map<Subscriber, Cursor>();
  readonly #history = new History<StoredEvent>();
  readonly #limits: HistoryLimits;
  #offset: number;
  /** The furthest-behind parked cursor's next offset (Infinity when none is parked). */
  #lowest = Infinity;

  /** `offset`: where a topic that was forgotten and is used again continues. @default 0 */
  constructor(
    name: string,
    epoch: string,
    limits: HistoryLimits,
    offset = 0,
    defer: Defer = deferImmediate,
  ) {
    this.name = name;
    this.epoch = epoch;
    this.#limits = limits;
    this.#offset = offset;
    this.fanOut = new FanOut(this.#live, defer);
  }

  /** Every subscriber, live or parked. */
  get subscribers(): ReadonlySet<Subscriber> {
    return this.#subscribers;
  }

  /** Offset of the last event published (0 before any). */
  get offset(): number {
    return this.#offset;
  }

  /** Events currently in history. */
  get historyLength(): number {
    return this.#history.length;
  }

  /** Events held in memory: history and the older ones parked subscribers still need. */
  get eventsKept(): number {
    return this.#history.kept;
  }

  /** Subscribers parked behind their cursor. */
  get parked(): number {
    return this.#parked.size;
  }

  /** Adds a subscriber (live, unless it is parked already). Idempotent. */
  subscribe(subscriber: Subscriber): void {
    this.#subscribers.add(subscriber);
    if (!this.#parked.has(subscriber)) this.#live.add(subscriber);
  }

  /** Removes a subscriber, live or parked; returns whether it was subscribed. */
  unsubscribe(subscriber: Subscriber): boolean {
    this.#live.delete(subscriber);
    this.unpark(subscriber);
    return this.#subscribers.delete(subscriber);
  }

  /** Appends an event; returns it. `data` must be encodable within `maxBytes`. */
  append(data: Payload | undefined, ts: number, maxBytes: number): StoredEvent {
    const offset = this.#offset + 1;
    const envelope: EventEnvelope = { k: 'event', topic: this.name, epoch: this.epoch, offset, ts };
    if (data !== undefined) envelope.data = data;
    const frame = encodeOutgoing(envelope, maxBytes);
    this.#offset = offset;
    const stored: StoredEvent = { topic: this.name, epoch: this.epoch, offset, ts, frame };
    this.#history.push(stored);
    this.prune(ts);
    if (this.#lowest !== Infinity && this.backlog(this.#lowest) > this.#backlogBytes) {
      this.#overruns();
    }
    return stored;
  }

  /** Drops events beyond the count limit or older than the age limit. */
  prune(now: number): void {
    this.#history.prune(now, this.#limits);
  }

  /**
   * What a subscriber at (epoch, offset) missed. Recovered only when the epoch matches and
   * history still holds every event after `offset`.
   */
  resume(epoch: string | undefined, offset: number | undefined): ResumeResult {
    const current = this.#offset;
    // No position: a first subscribe, live from now.
    if (epoch === undefined) return { recovered: false, replay: [], from: current };
    // After an epoch change (a restart with an in-memory store) the client has seen nothing of
    // this epoch: replay it from its start, losing only what the restart itself lost.
    const same = epoch === this.epoch;
    const seen = same ? (offset ?? 0) : 0;
    if (seen > current) return { recovered: false, replay: [], from: current };
    if (seen === current) return { recovered: same, replay: [], from: current };
    const oldest = this.#history.oldest();
    if (!oldest) return { recovered: false, replay: [], from: current };
    const start = Math.max(seen + 1, oldest.offset);
    return {
      recovered: same && start === seen + 1,
      replay: this.#history.from(start),
      from: start - 1,
    };
  }

  // ------------------------------------------------------------------ parked subscribers

  /**
   * Takes `subscriber` out of the fan-out: from `next` on, its events come from history by the
   * returned cursor (already parked: the cursor moves back to `next` if that is earlier).
   */
  park(subscriber: Subscriber, next: number, overrun: () => void): Cursor {
    let cursor = this.#parked.get(subscriber);
    if (cursor) cursor.next = Math.min(cursor.next, next);
    else {
      cursor = { topic: this, next, overrun };
      this.#parked.set(subscriber, cursor);
    }
    this.#live.delete(subscriber);
    if (cursor.next < this.#lowest) {
      // Further behind than any other: history keeps more (no walk over the other cursors).
      this.#lowest = cursor.next;
      this.#history.pin(cursor.next);
    }
    return cursor;
  }

  /**
   * Puts a parked subscriber whose cursor has caught up back into the fan-out. False while it
   * has not, or while a sliced publication is still being written (it may be in that
   * publication's list of recipients and would get the event twice).
   */
  rejoin(subscriber: Subscriber): boolean {
    const cursor = this.#parked.get(subscriber);
    if (cursor && (cursor.next <= this.#offset || this.fanOut.pending > 0)) return false;
    this.unpark(subscriber);
    if (this.#subscribers.has(subscriber)) this.#live.add(subscriber);
    return true;
  }

  /** A parked subscriber's cursor. */
  cursorOf(subscriber: Subscriber): Cursor | undefined {
    return this.#parked.get(subscriber);
  }

  /** Forgets a parked subscriber's cursor (it rejoined, unsubscribed or was closed). */
  unpark(subscriber: Subscriber): void {
    const cursor = this.#parked.get(subscriber);
    if (cursor === undefined) return;
    this.#parked.delete(subscriber);
    this.advanced(cursor.next);
  }

  /** The event at `offset` if still kept (history or pinned by a cursor). */
  at(offset: number): StoredEvent | undefined {
    return this.#history.at(offset);
  }

  /** Bytes a cursor at `next` has yet to write; Infinity when its next event is gone. */
  backlog(next: number): number {
    return this.#history.bytesFrom(next);
  }

  /**
   * A cursor moved on from offset `from`, or left: when it was the furthest behind, history now
   * keeps only what the new furthest-behind one needs (no walk over the cursors otherwise).
   */
  advanced(from: number): void {
    if (from <= this.#lowest) this.#repin();
  }

  /** History keeps what the furthest-behind cursor still needs, and no more. */
  #repin(): void {
    let lowest = Infinity;
    for (const cursor of this.#parked.values()) lowest = Math.min(lowest, cursor.next);
    this.#lowest = lowest;
    this.#history.pin(lowest);
  }

  get #backlogBytes(): number {
    return this.#limits.backlogBytes ?? Infinity;
  }

  /**
   * Memory stays bounded whatever a reader does: a cursor that pins more than `backlogBytes` of
   * events is told to close (its connection's own check runs only on its sweep).
   */
  #overruns(): void {
    const over: Cursor[] = [];
    for (const [subscriber, cursor] of this.#parked) {
      if (this.backlog(cursor.next) <= this.#backlogBytes) continue;
      over.push(cursor);
      this.#parked.delete(subscriber);
    }
    // Readers that stopped together overrun together: history is repinned once, not per reader.
    this.#repin();
    for (const cursor of over) cursor.overrun();
  }
}
