/**
 * Closing connections a few at a time (issue 8). A close is synchronous work: the close frame,
 * a timer, and later the socket's teardown with its events (about 27 µs for a close and 18 µs
 * for a termination on this machine). Connections the server cuts off tend to go together: 100
 * readers that subscribed together and stopped reading pass the hard limit at the same
 * publication, the stall timeout in the same sweep, and the close timeout of their unanswered
 * close frames in the same millisecond. In one turn of the event loop that held every other
 * client for 3 to 5 ms (docs/reliability.md, slow consumers). The queue runs at most
 * {@link CLOSES_PER_TURN} closes or terminations per turn and serves I/O in between
 * (`setImmediate`); a connection is marked closing at once (it takes and sends nothing more),
 * only its socket's teardown waits.
 * @internal
 */
import { deferImmediate, deferOnce, type Defer } from './clock.js';

/** Closes or terminations run per turn of the event loop: about 0.25 ms of work. */
export const CLOSES_PER_TURN = 8;

/** @internal */
export class CloseQueue {
  readonly #schedule: () => void;
  #jobs: (() => void)[] = [];
  #head = 0;

  /** `defer` runs the next turn's closes (tests step it by hand). */
  constructor(defer: Defer = deferImmediate) {
    this.#schedule = deferOnce(defer, () => this.#turn());
  }

  /** Closes or terminations not yet run. */
  get pending(): number {
    return this.#jobs.length - this.#head;
  }

  /** Runs `job` (a close or a termination) in the next turn of the event loop that has room. */
  push(job: () => void): void {
    this.#jobs.push(job);
    this.#schedule();
  }

  #turn(): void {
    const end = Math.min(this.#jobs.length, this.#head + CLOSES_PER_TURN);
    while (this.#head < end) {
      const job = this.#jobs[this.#head++]!;
      try {
        job();
      } catch {
        // A socket that fails to close is torn down by its own error and close events.
      }
    }
    if (this.#head < this.#jobs.length) {
      this.#schedule();
      return;
    }
    this.#jobs = [];
    this.#head = 0;
  }
}
