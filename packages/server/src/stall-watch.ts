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
  readonly #highWaterMark: number;

  /** `highWaterMark`: the connection's `sendHighWaterMark`. */
  constructor(now: number, highWaterMark: number) {
    this.#since = now;
    this.#highWaterMark = highWaterMark;
  }

  /**
   * Milliseconds the connection has been backed up without progress; 0 when it is not backed
   * up, or made progress since the last call. `buffered` is the socket's buffered amount,
   * `window` the connection's read window (bytes written, confirmed, full).
   */
  stalledFor(now: number, buffered: number, window: WindowState): number {
    const atMark = buffered >= this.#highWaterMark;
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
