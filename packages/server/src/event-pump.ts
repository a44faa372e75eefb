/**
 * A connection's topic events that wait instead of being written at once (issue 8): a replay of
 * missed events and the live events of its topics behind it (docs/protocol.md §8.3), and every
 * reliable event that arrives while the socket is at its high-water mark or its peer has not
 * confirmed reading (the read window). The pump writes them in order as soon as the socket has
 * room, on its `drain`, on the pong that opens the window, or after a short poll; past the hard
 * limit (queued and buffered bytes together) the connection is closed with 1013 and its client
 * recovers from history. The events wait as references to frames shared with every other
 * subscriber ({@link ReplayQueue}), so a reader that stopped reading costs no copies.
 * @internal
 */
import type { Duplex } from 'node:stream';
import type { TimerSet } from './clock.js';
import { ReplayQueue, type QueuedEvent } from './replay-queue.js';

/** How often a paused pump looks again at a socket that will not emit `drain`. */
const PUMP_RETRY_MS = 20;

/** What the pump reads from and does to its connection. @internal */
export interface PumpTarget {
  readonly socket: Duplex;
  readonly timers: TimerSet;
  /** `sendHighWaterMark`: the pump writes only below it. */
  readonly highWaterMark: number;
  /** `sendHardLimit`: queued plus buffered bytes above it close the connection. */
  readonly hardLimit: number;
  /** Bytes the socket holds (`ws.bufferedAmount`). */
  readonly buffered: () => number;
  /** True while the peer has not confirmed reading what it was sent (`ReadWindow.full`). */
  readonly windowFull: () => boolean;
  /** True while the connection's session is open. */
  readonly open: () => boolean;
  /** Writes one event now: the pump has made every check (room, window, order). */
  readonly write: (event: QueuedEvent, volatile: boolean) => void;
  /** Counts a volatile event dropped for want of room. */
  readonly dropped: () => void;
  /** Closes the connection as a slow consumer (1013). */
  readonly overflow: () => void;
}

/** @internal */
export class EventPump {
  readonly #target: PumpTarget;
  readonly #queue: ReplayQueue;
  #cancel: (() => void) | undefined = undefined;

  constructor(target: PumpTarget) {
    this.#target = target;
    this.#queue = new ReplayQueue(target.windowFull);
  }

  /**
   * Delivers one live event: written now when nothing of its topic waits, the window is open
   * and the socket is under its high-water mark (a volatile event: not over it); else a volatile
   * event is dropped and counted and a reliable one queued. The one place that decides; this is
   * the fan-out's per-subscriber path, so the socket's buffered amount is read once. True when
   * written now.
   */
  deliver(event: QueuedEvent, volatile: boolean): boolean {
    const t = this.#target;
    const free = !this.#queue.holds(event.topic);
    const buffered = t.buffered();
    if (free && (volatile ? buffered <= t.highWaterMark : buffered < t.highWaterMark)) {
      t.write(event, volatile);
      return true;
    }
    if (volatile) t.dropped();
    else this.#enqueue(event, buffered);
    return false;
  }

  /** Queues missed events (a replay) and starts writing them. */
  replay(events: readonly QueuedEvent[]): void {
    for (const e of events) this.#queue.push(e);
    this.pump();
  }

  /** Queues one reliable event behind the socket (`buffered` bytes), or closes past the hard limit. */
  #enqueue(event: QueuedEvent, buffered: number): void {
    const t = this.#target;
    this.#queue.push(event);
    if (this.#queue.bytes + buffered > t.hardLimit) {
      t.overflow();
      return;
    }
    this.#schedule();
  }

  /** Writes queued events while the socket has room; `resume` after the window opened. */
  pump(): void {
    this.#cancel?.();
    this.#cancel = undefined;
    const t = this.#target;
    for (let next = this.#queue.peek(); next; next = this.#queue.peek()) {
      if (!t.open()) return;
      if (t.buffered() >= t.highWaterMark || t.windowFull()) {
        // Resume once the socket has drained or the peer confirmed reading; a reader that never
        // reads is closed by the hard limit (live events pile up behind), the stall timeout or
        // the heartbeat.
        this.#schedule();
        return;
      }
      this.#queue.shift();
      t.write(next, false);
    }
  }

  /** Writes what waits, if anything does (the read window just opened). */
  resume(): void {
    if (this.#queue.peek() !== undefined) this.pump();
  }

  /** Drops everything queued (the connection closed). */
  clear(): void {
    this.#cancel?.();
    this.#cancel = undefined;
    this.#queue.clear();
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
