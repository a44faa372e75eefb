/**
 * Every topic of one server (docs/protocol.md §8): created on first use, swept when idle, with
 * the positions of forgotten topics remembered so a topic used again continues its epoch.
 */
import type { Payload } from '@ackwire/protocol';
import { deferImmediate, type Defer } from './clock.js';
import type { HistoryLimits } from './history.js';
import { newEpoch, Topic, type ResumeResult, type StoredEvent, type Subscriber } from './topics.js';

/**
 * How many forgotten topics' positions a store remembers (about 100 bytes each). Beyond it the
 * least recently forgotten is dropped and that topic, if used again, starts a new epoch (its
 * subscribers see `recovered: false`, which is true of any topic reset).
 */
export const FORGOTTEN_TOPICS_KEPT = 10_000;

/** A forgotten topic's last position. */
interface Forgotten {
  readonly epoch: string;
  readonly offset: number;
}

/** Every topic of one server. */
export class TopicStore {
  readonly #topics = new Map<string, Topic>();
  // Positions of topics swept away with neither subscribers nor history, oldest first: a topic
  // used again continues its epoch and offset, so a subscriber that comes back at that position
  // missed nothing and is told so (`recovered: true`) instead of seeing a false gap.
  readonly #forgotten = new Map<string, Forgotten>();
  readonly #limits: HistoryLimits;
  readonly #epoch: () => string;

  readonly #defer: Defer;

  /** `defer` runs the next slice of a large fan-out (tests step it by hand). */
  constructor(
    limits: HistoryLimits,
    epoch: () => string = newEpoch,
    defer: Defer = deferImmediate,
  ) {
    this.#limits = limits;
    this.#epoch = epoch;
    this.#defer = defer;
  }

  /** Number of topics held. */
  get size(): number {
    return this.#topics.size;
  }

  /** Total subscriptions across topics. */
  get subscriptions(): number {
    return this.#sum((t) => t.subscribers.size);
  }

  /** Subscriptions parked behind a cursor: their events wait in history (event-pump.ts). */
  get parked(): number {
    return this.#sum((t) => t.parked);
  }

  /** Events held in memory across topics: history, and what parked cursors still need. */
  get eventsKept(): number {
    return this.#sum((t) => t.eventsKept);
  }

  /** One count summed over every topic (for `stats()`, not a hot path). */
  #sum(count: (topic: Topic) => number): number {
    let n = 0;
    for (const t of this.#topics.values()) n += count(t);
    return n;
  }

  get(name: string): Topic | undefined {
    return this.#topics.get(name);
  }

  /** The topic, created with a fresh epoch when absent. */
  ensure(name: string): Topic {
    let topic = this.#topics.get(name);
    if (!topic) {
      const last = this.#forgotten.get(name);
      this.#forgotten.delete(name);
      topic = last
        ? new Topic(name, last.epoch, this.#limits, last.offset, this.#defer)
        : new Topic(name, this.#epoch(), this.#limits, 0, this.#defer);
      this.#topics.set(name, topic);
    }
    return topic;
  }

  /** Adds a subscriber and resumes it from its position. Idempotent per subscriber. */
  subscribe(
    name: string,
    subscriber: Subscriber,
    epoch: string | undefined,
    offset: number | undefined,
    now: number,
  ): { topic: Topic; resume: ResumeResult } {
    const topic = this.ensure(name);
    topic.prune(now);
    topic.subscribe(subscriber);
    return { topic, resume: topic.resume(epoch, offset) };
  }

  /** Removes a subscriber; returns whether it was subscribed. */
  unsubscribe(name: string, subscriber: Subscriber): boolean {
    return this.#topics.get(name)?.unsubscribe(subscriber) ?? false;
  }

  /**
   * Publishes: appends to history (encoding once) and writes the same frame to every subscriber
   * (now, or in slices when large: fan-out.ts).
   */
  publish(
    name: string,
    data: Payload | undefined,
    now: number,
    maxBytes: number,
    volatile: boolean,
  ): StoredEvent {
    const topic = this.ensure(name);
    const stored = topic.append(data, now, maxBytes);
    topic.fanOut.publish(stored, volatile);
    return stored;
  }

  /** Forgotten topics whose position is still remembered. */
  get forgottenSize(): number {
    return this.#forgotten.size;
  }

  /**
   * Ages history out and forgets topics with neither subscribers nor history (nothing could be
   * recovered from them), remembering only their position, within `FORGOTTEN_TOPICS_KEPT`.
   */
  sweep(now: number): void {
    for (const [name, topic] of this.#topics) {
      topic.prune(now);
      if (topic.subscribers.size > 0 || topic.historyLength > 0) continue;
      this.#topics.delete(name);
      this.#forgotten.set(name, { epoch: topic.epoch, offset: topic.offset });
      if (this.#forgotten.size > FORGOTTEN_TOPICS_KEPT) {
        const oldest = this.#forgotten.keys().next().value;
        if (oldest !== undefined) this.#forgotten.delete(oldest);
      }
    }
  }

  clear(): void {
    for (const topic of this.#topics.values()) topic.fanOut.clear();
    this.#topics.clear();
    this.#forgotten.clear();
  }
}
