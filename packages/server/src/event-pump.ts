/**
 * A connection's topic events that cannot be written at once (issue 8): a replay of missed
 * events (docs/protocol.md §8.3), and every reliable event that arrives while the socket is at
 * its high-water mark or its peer has not confirmed reading (the read window). Such a topic is
 * parked (topics.ts): the connection leaves its fan-out, and the pump writes its events from the
 * topic's history, by cursor, in offset order, as soon as the socket has room (on its `drain`,
 * on the pong that opens the window, or after a short poll); caught up, the topic rejoins the
 * fan-out. A reader that stopped reading costs a publication nothing and holds no queue of its
 * own. Past the hard limit (what the cursors have yet to write plus the socket's buffered bytes)
 * the connection is closed with 1013, and its client recovers from history.
 * @internal
 */
import type { Duplex } from 'node:stream';
import type { TimerSet } from './clock.js';
import type { Cursor, StoredEvent, Subscriber, Topic } from './topics.js';

/** How often a paused pump looks again at a socket that will not emit `drain`. */
const PUMP_RETRY_MS = 20;

/** What the pump reads from and does to its connection. @internal */
export interface PumpTarget {
  /** The subscriber the pump parks and rejoins (its connection). */
  readonly subscriber: Subscriber;
  readonly socket: Duplex;
  readonly timers: TimerSet;
  /** `sendHighWaterMark`: the pump writes only below it. */
  readonly highWaterMark: number;
  /** `sendHardLimit`: bytes yet to write plus buffered bytes above it close the connection. */
  readonly hardLimit: number;
  /** Bytes the socket holds (`ws.bufferedAmount`). */
  readonly buffered: () => number;
  /** True while the peer has not confirmed reading what it was sent (`ReadWindow.full`). */
  readonly windowFull: () => boolean;
  /** True while the connection's session is open. */
  readonly open: () => boolean;
  /** The topic of that name, to park on. */
  readonly topic: (name: string) => Topic | undefined;
  /** Writes one event now: the pump has made every check (room, window, order). */
  readonly write: (event: StoredEvent, volatile: boolean) => void;
  /** Counts a volatile event dropped for want of room. */
  readonly dropped: () => void;
  /** Closes the connection as a slow consumer (1013). */
  readonly overflow: () => void;
}

/** @internal */
export class EventPump {
  readonly #target: PumpTarget;
  /** The topics parked, each with its cursor. */
  readonly #cursors: Cursor[] = [];
  #cancel: (() => void) | undefined = undefined;

  constructor(target: PumpTarget) {
    this.#target = target;
  }

  /** Topics parked. */
  get parked(): number {
    return this.#cursors.length;
  }

  /**
   * Delivers one live event: written now when the window is open and the socket is under its
   * high-water mark (a volatile event: not over it); else a volatile event is dropped and
   * counted and a reliable one parks its topic. The one place that decides; this is the
   * fan-out's per-subscriber path, so the socket's buffered amount is read once. True when
   * written now.
   */
  deliver(event: StoredEvent, volatile: boolean): boolean {
    const t = this.#target;
    const buffered = t.buffered();
    if (!t.windowFull() && (volatile ? buffered <= t.highWaterMark : buffered < t.highWaterMark)) {
      t.write(event, volatile);
      return true;
    }
    if (volatile) t.dropped();
    else this.#park(event.topic, event.offset);
    return false;
  }

  /** Writes a topic's events from offset `next` on (a replay), after what is written now. */
  replay(topic: Topic, next: number): void {
    if (next > topic.offset) return;
    this.#parkOn(topic, next);
    this.pump();
  }

  /** Writes parked topics' events while the socket has room; caught-up topics rejoin. */
  pump(): void {
    this.#cancel?.();
    this.#cancel = undefined;
    const t = this.#target;
    let waiting = false;
    for (let i = 0; i < this.#cursors.length;) {
      if (!t.open()) return;
      const cursor = this.#cursors[i]!;
      const topic = cursor.topic;
      if (topic.cursorOf(t.subscriber) !== cursor) {
        // Unsubscribed since (or unsubscribed and subscribed again, with a cursor of its own).
        this.#cursors.splice(i, 1);
        continue;
      }
      const before = cursor.next;
      while (cursor.next <= topic.offset && !this.#full()) {
        const event = topic.at(cursor.next);
        if (!event) {
          // Fell out of history while parked: only a resume can tell the client what is gone.
          this.#overflow();
          return;
        }
        t.write(event, false);
        cursor.next++;
      }
      if (cursor.next !== before) topic.advanced(before);
      if (topic.rejoin(t.subscriber)) {
        this.#cursors.splice(i, 1);
        continue;
      }
      // Behind still (no room), or caught up while a sliced publication is being written.
      waiting = true;
      i++;
    }
    if (waiting && !this.#overLimit()) this.#schedule();
  }

  /** Writes what waits, if anything does (the read window just opened). */
  resume(): void {
    if (this.#cursors.length > 0) this.pump();
  }

  /** Closes the connection when what it has yet to write passes the hard limit; true if so. */
  check(): boolean {
    return this.#cursors.length > 0 && this.#overLimit();
  }

  /** Forgets every cursor (the connection closed). */
  clear(): void {
    this.#cancel?.();
    this.#cancel = undefined;
    for (const cursor of this.#cursors) cursor.topic.unpark(this.#target.subscriber);
    this.#cursors.length = 0;
  }

  #park(name: string, next: number): void {
    const topic = this.#target.topic(name);
    if (topic === undefined) return;
    this.#parkOn(topic, next);
    if (!this.#overLimit()) this.#schedule();
  }

  #parkOn(topic: Topic, next: number): void {
    const cursor = topic.park(this.#target.subscriber, next, () => this.#overflow());
    if (!this.#cursors.includes(cursor)) this.#cursors.push(cursor);
  }

  /** True when the socket is at its high-water mark or the read window is full. */
  #full(): boolean {
    const t = this.#target;
    return t.buffered() >= t.highWaterMark || t.windowFull();
  }

  /** Closes the connection when bytes yet to write plus buffered pass the hard limit. */
  #overLimit(): boolean {
    const t = this.#target;
    let bytes = t.buffered();
    for (const c of this.#cursors) bytes += c.topic.backlog(c.next);
    if (bytes <= t.hardLimit) return false;
    this.#overflow();
    return true;
  }

  #overflow(): void {
    this.clear();
    this.#target.overflow();
  }

  /**
   * Runs the pump on the socket's `drain` (no timer per stalled reader), or on the pong that
   * opens the read window ({@link resume}), else after a poll.
   */
  #schedule(): void {
    if (this.#cancel !== undefined) return;
    const t = this.#target;
    const socket = t.socket;
    if (socket.writableNeedDrain) {
      const onDrain = (): void => this.pump();
      socket.once('drain', onDrain);
      this.#cancel = () => socket.off('drain', onDrain);
      return;
    }
    if (t.windowFull()) return;
    this.#cancel = t.timers.timeout(() => this.pump(), PUMP_RETRY_MS);
  }
}
