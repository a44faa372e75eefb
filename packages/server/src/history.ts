/**
 * A topic's history (docs/protocol.md §8.3): its events in offset order, bounded by count and by
 * age, for subscribers that resume from a position; and the events a parked subscriber still
 * needs (its cursor pins them, see topics.ts), kept past those bounds until it has written them
 * or been closed. Offsets are contiguous, so an event is found by arithmetic, and a running count
 * of bytes tells how far behind a cursor is without walking the events.
 * @internal
 */
/** What history holds: an event with its offset, time and frame size (a topic's stored event). */
export interface HistoryEvent {
  readonly offset: number;
  readonly ts: number;
  readonly frame: { readonly bytes: number };
}

/** History limits of every topic. */
export interface HistoryLimits {
  /** Most events kept. */
  size: number;
  /** Oldest event kept, in ms. */
  ttlMs: number;
  /**
   * Most bytes of events a parked subscriber's cursor may keep past the limits (the server's
   * `sendHardLimit`); a cursor further behind is closed. @default Infinity
   */
  backlogBytes?: number;
}

/** @internal */
export class History<E extends HistoryEvent> {
  // An array with two moving heads, compacted once the dead prefix is as long as the live part:
  // `#head` is the oldest event in history (what a resume replays), `#base` the oldest event
  // kept at all (history, or older events a parked cursor pins). `#base <= #head` always.
  #events: E[] = [];
  /** Bytes of every event appended before `#events[i]` and it, at index i (a running count). */
  #ends: number[] = [];
  #base = 0;
  #head = 0;
  #bytes = 0;
  /** Lowest offset a parked cursor still needs (Infinity when none is parked). */
  #pinned = Infinity;

  /** Events in history. */
  get length(): number {
    return this.#events.length - this.#head;
  }

  /** Events kept, history and pinned (memory held). */
  get kept(): number {
    return this.#events.length - this.#base;
  }

  /** Bytes of every event ever appended (a count that only grows). */
  get bytes(): number {
    return this.#bytes;
  }

  /** Appends an event; it must follow the last one's offset. */
  push(event: E): void {
    this.#events.push(event);
    this.#bytes += event.frame.bytes;
    this.#ends.push(this.#bytes);
  }

  /** Drops events beyond the count limit or older than the age limit from history. */
  prune(now: number, limits: HistoryLimits): void {
    while (this.length > limits.size) this.#head++;
    const oldest = now - limits.ttlMs;
    while (this.#head < this.#events.length && this.#events[this.#head]!.ts <= oldest) {
      this.#head++;
    }
    this.#release();
  }

  /** The oldest event in history. */
  oldest(): E | undefined {
    return this.#events[this.#head];
  }

  /** Events in history from `offset` on (it must be at or after the oldest's). */
  from(offset: number): E[] {
    const oldest = this.#events[this.#head];
    if (!oldest) return [];
    return this.#events.slice(this.#head + Math.max(0, offset - oldest.offset));
  }

  /** The kept event at `offset` (in history or pinned); undefined when gone or not yet published. */
  at(offset: number): E | undefined {
    const i = this.#index(offset);
    return i === undefined ? undefined : this.#events[i];
  }

  /**
   * Bytes of the events from `offset` on: what a cursor at `offset` has yet to write. 0 when
   * `offset` is past the last event; Infinity when its event is no longer kept.
   */
  bytesFrom(offset: number): number {
    const last = this.#events[this.#events.length - 1];
    if (!last || offset > last.offset) return 0;
    const i = this.#index(offset);
    if (i === undefined) return Infinity;
    return this.#bytes - this.#ends[i]! + this.#events[i]!.frame.bytes;
  }

  /** Keeps every event from `offset` on, past the limits (Infinity: keep none beyond them). */
  pin(offset: number): void {
    this.#pinned = offset;
    this.#release();
  }

  #index(offset: number): number | undefined {
    const first = this.#events[this.#base];
    if (!first || offset < first.offset) return undefined;
    const i = this.#base + (offset - first.offset);
    return i < this.#events.length ? i : undefined;
  }

  /** Lets go of events neither history nor a cursor needs; compacts the array. */
  #release(): void {
    let base = this.#head;
    const first = this.#events[this.#base];
    if (first && this.#pinned < Infinity) {
      base = Math.min(base, Math.max(this.#base, this.#base + (this.#pinned - first.offset)));
    }
    this.#base = base;
    if (base > 0 && base >= this.#events.length - base) {
      this.#events = this.#events.slice(base);
      this.#ends = this.#ends.slice(base);
      this.#head -= base;
      this.#base = 0;
    }
  }
}
