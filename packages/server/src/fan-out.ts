/**
 * Writing a topic's publications to its subscribers in slices (issue 8). Fan-out is synchronous
 * work: one socket write per subscriber, so a large event on a topic with many subscribers (100
 * new subscribers of a topic of 16 KiB events take 6.5 MB at their first publication) held the
 * event loop for every other client for as long as the kernel took to copy it all (8 ms in the
 * slow-consumer chaos run). A publication now writes to subscribers until it has spent
 * {@link FAN_OUT_SLICE} (bytes, plus {@link WRITE_COST} per write for the system call; a
 * delivery that parks its subscriber or drops costs {@link HELD_COST}), and the
 * rest of it continues after the event loop has served I/O (`setImmediate`). Small fan-outs never
 * reach the bound: 1,000 subscribers of a 64 B topic cost 386 KB of budget and are written at
 * once, as before.
 *
 * Order: a topic's later publications wait behind a sliced one, so every subscriber still sees a
 * topic's events in offset order. A publication goes to the subscribers the topic had when it was
 * published (a later subscriber gets it from history, if at all) that are still subscribed, and
 * not parked, when their turn comes.
 * @internal
 */
import { deferImmediate, deferOnce, type Defer } from './clock.js';

/** What a fan-out writes: anything that knows its frame's size (a topic's stored event). */
export interface Sized {
  readonly frame: { readonly bytes: number };
}

/** Who a fan-out writes to (a topic's subscriber: a connection). */
export interface Recipient<E> {
  /** Takes one event; true when it was written to the socket now (not queued, not dropped). */
  deliver(event: E, volatile: boolean): boolean;
}

/** Budget of one slice, in bytes written plus {@link WRITE_COST} per write: about 1 ms of work. */
export const FAN_OUT_SLICE = 1024 * 1024;

/** What one write costs besides its bytes (the system call), as bytes of copying it is worth. */
export const WRITE_COST = 256;

/** What a delivery that wrote nothing costs (its subscriber parked, or the event dropped). */
export const HELD_COST = 16;

/** A publication not yet written to every subscriber. */
interface Pending<E> {
  readonly event: E;
  readonly volatile: boolean;
  /** Subscribers still to write to, from `next` on. */
  readonly rest: readonly Recipient<E>[];
  next: number;
}

/** One topic's fan-out. @internal */
export class FanOut<E extends Sized> {
  readonly #subscribers: ReadonlySet<Recipient<E>>;
  readonly #pending: Pending<E>[] = [];
  readonly #schedule: () => void;

  constructor(subscribers: ReadonlySet<Recipient<E>>, defer: Defer = deferImmediate) {
    this.#subscribers = subscribers;
    this.#schedule = deferOnce(defer, () => this.#slice());
  }

  /** Publications not yet written to every subscriber. */
  get pending(): number {
    return this.#pending.length;
  }

  /** Writes `event` to every subscriber: now, or in slices when it is large. */
  publish(event: E, volatile: boolean): void {
    if (this.#pending.length > 0) {
      // Behind a sliced publication: same subscribers as now, in order, later.
      this.#pending.push({ event, volatile, rest: [...this.#subscribers], next: 0 });
      return;
    }
    const cost = event.frame.bytes + WRITE_COST;
    let budget = FAN_OUT_SLICE;
    let stop: Recipient<E> | undefined;
    // A delivery may close its connection (hard limit), deleting it from the set: deleting
    // during iteration is safe, and nothing subscribes while this loop runs.
    for (const subscriber of this.#subscribers) {
      if (budget < cost) {
        stop = subscriber;
        break;
      }
      budget -= subscriber.deliver(event, volatile) ? cost : HELD_COST;
    }
    if (stop === undefined) return;
    // Rare: the subscribers from the first one not written to on, in set order.
    const rest: Recipient<E>[] = [];
    for (const subscriber of this.#subscribers) {
      if (subscriber === stop || rest.length > 0) rest.push(subscriber);
    }
    this.#pending.push({ event, volatile, rest, next: 0 });
    this.#schedule();
  }

  /** Forgets what is pending (the server closed). */
  clear(): void {
    this.#pending.length = 0;
  }

  /** Writes one slice's worth of what is pending, oldest publication first. */
  #slice(): void {
    let budget = FAN_OUT_SLICE;
    while (this.#pending.length > 0) {
      const p = this.#pending[0]!;
      const cost = p.event.frame.bytes + WRITE_COST;
      while (p.next < p.rest.length) {
        if (budget < cost) {
          this.#schedule();
          return;
        }
        const subscriber = p.rest[p.next++]!;
        // Unsubscribed (or disconnected) since: nothing more of this topic goes to it. Parked
        // since: its cursor writes this event from history.
        if (!this.#subscribers.has(subscriber)) continue;
        budget -= subscriber.deliver(p.event, p.volatile) ? cost : HELD_COST;
      }
      this.#pending.shift();
    }
  }
}
