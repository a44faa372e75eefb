/**
 * A connection's queue of topic events waiting to be written: a replay of missed events, and
 * the live events of the same topics that arrive while it drains (docs/protocol.md §8.3). The
 * connection writes from it only while its socket's buffered amount is under the high-water
 * mark, so a large replay never lands in one synchronous burst (which stalls the event loop for
 * every other client) and a reader that has stopped reading receives no more than a high-water
 * mark's worth of it. Live events of a replaying topic queue behind the replay, so offsets stay
 * in order.
 * @internal
 */
import type { EventEnvelope } from '@ackwire/protocol';
import type { OutgoingFrame } from './outgoing.js';

/** One queued event. @internal */
export interface QueuedEvent {
  readonly frame: OutgoingFrame;
  readonly envelope: EventEnvelope;
}

/** @internal */
export class ReplayQueue {
  #items: QueuedEvent[] = [];
  #head = 0;
  #bytes = 0;
  /** Topics whose events must queue here until the queue is empty. */
  readonly #topics = new Set<string>();

  /** Bytes queued. */
  get bytes(): number {
    return this.#bytes;
  }

  /** True while events of `topic` must queue behind the replay. */
  holds(topic: string): boolean {
    return this.#topics.has(topic);
  }

  push(event: QueuedEvent): void {
    this.#items.push(event);
    this.#bytes += event.frame.bytes;
    this.#topics.add(event.envelope.topic);
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
