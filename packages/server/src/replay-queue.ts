/**
 * A connection's queue of topic events waiting to be written: a replay of missed events, the
 * live events of the same topics that arrive while it drains (docs/protocol.md §8.3), and any
 * reliable event that arrives while the socket is above its high-water mark. The connection
 * writes from it only while its socket's buffered amount is under the high-water mark, so a
 * large replay never lands in one synchronous burst (which stalls the event loop for every other
 * client) and a reader that has stopped reading receives no more than a high-water mark's worth
 * of it: the rest waits here as references to frames shared with every other subscriber, until
 * the hard limit closes the connection. Later events of a topic queue behind earlier ones, so
 * offsets stay in order.
 *
 * Also here: {@link StallWatch}, which tells how long a backed-up socket has drained nothing.
 * @internal
 */
import type { OutgoingFrame } from './outgoing.js';

/** One queued event (a stored event, {@link StoredEvent} in topics.ts). @internal */
export interface QueuedEvent {
  readonly topic: string;
  readonly frame: OutgoingFrame;
}

/** @internal */
export class ReplayQueue {
  #items: QueuedEvent[] = [];
  #head = 0;
  #bytes = 0;
  /** Topics whose events must queue here until the queue is empty. */
  readonly #topics = new Set<string>();
  readonly #gated: () => boolean;

  /**
   * `gated` tells when every event must queue, whatever its topic: while the connection's peer
   * has not confirmed reading what it was sent (`ReadWindow`).
   */
  constructor(gated: () => boolean = () => false) {
    this.#gated = gated;
  }

  /** Bytes queued. */
  get bytes(): number {
    return this.#bytes;
  }

  /** True while events of `topic` must queue: behind the replay, or while the gate is shut. */
  holds(topic: string): boolean {
    return (this.#bytes !== 0 && this.#topics.has(topic)) || this.#gated();
  }

  push(event: QueuedEvent): void {
    this.#items.push(event);
    this.#bytes += event.frame.bytes;
    this.#topics.add(event.topic);
  }

  /** The next event, without removing it. */
  peek(): QueuedEvent | undefined {
    return this.#items[this.#head];
  }

  /** Removes the next event; once empty, every topic is live again. */
  shift(): void {
    const item = this.#items[this.#head];
    if (!item) return;
    this.#head++;
    this.#bytes -= item.frame.bytes;
    if (this.#head === this.#items.length) this.clear();
    else if (this.#head > 1024 && this.#head * 2 > this.#items.length) {
      this.#items = this.#items.slice(this.#head);
      this.#head = 0;
    }
  }

  clear(): void {
    this.#items = [];
    this.#head = 0;
    this.#bytes = 0;
    this.#topics.clear();
  }
}

/**
 * How long a connection has been backed up without progress. Backed up: its socket at or above
 * the high-water mark, or its read window full. Progress: bytes drained from a socket at the
 * mark, or bytes its peer confirmed reading. A full window counts only confirmations: small
 * writes (answers to the client's heartbeats) still drain into the kernel of a peer that reads
 * nothing. A reader that reads slowly keeps resetting the clock while one that has stopped
 * reading does not; the server closes the latter after `sendStallTimeoutMs` (issue 8: a dead
 * reader is cut off by time, not only by bytes).
 * @internal
 */
export class StallWatch {
  #drained = 0;
  #confirmed = 0;
  #since: number;

  constructor(now: number) {
    this.#since = now;
  }

  /**
   * Milliseconds the connection has been backed up without progress; 0 when it is not backed
   * up, or made progress since the last call. `buffered` is the socket's buffered amount,
   * `window` the connection's read window (bytes written, confirmed, full).
   */
  stalledFor(now: number, buffered: number, highWaterMark: number, window: WindowState): number {
    const atMark = buffered >= highWaterMark;
    const drained = window.written - buffered;
    const progress = window.confirmed > this.#confirmed || (atMark && drained > this.#drained);
    if ((!atMark && !window.full) || progress) this.#since = now;
    this.#drained = Math.max(this.#drained, drained);
    this.#confirmed = Math.max(this.#confirmed, window.confirmed);
    return now - this.#since;
  }
}

/** What {@link StallWatch} reads of a read window (`ReadWindow`). @internal */
export interface WindowState {
  /** Bytes handed to the socket so far. */
  readonly written: number;
  /** Bytes the peer confirmed reading so far. */
  readonly confirmed: number;
  /** True while the window is full. */
  readonly full: boolean;
}
