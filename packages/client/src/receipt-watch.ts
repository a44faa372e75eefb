/**
 * Overdue receipts (issue 4, "Outbox"). A receipt that does not come within
 * `receiptTimeoutMs` of the write is first a liveness question: the heartbeat probes at once,
 * and a dead link is replaced (the message is then re-sent on the new one). If the link proves
 * alive and the receipt is still missing one more `receiptTimeoutMs` later, the message is
 * written again on the same connection, which the server answers with its stored (or awaited)
 * receipt without processing it twice (docs/protocol.md §3). Times count from the write, so
 * time spent queued never counts against a receipt.
 * @internal
 */
import type { Clock } from './clock.js';
import type { Outbox } from './outbox.js';
import { Timer } from './timer.js';

/** Watches in-flight messages for overdue receipts. @internal */
export class ReceiptWatch {
  readonly #timer: Timer;

  readonly #clock: Clock;
  readonly #timeoutMs: number;
  readonly #outbox: Outbox;
  readonly #probe: () => void;

  constructor(clock: Clock, timeoutMs: number, outbox: Outbox, probe: () => void) {
    this.#clock = clock;
    this.#timeoutMs = timeoutMs;
    this.#outbox = outbox;
    this.#probe = probe;
    this.#timer = new Timer(clock, () => this.#check());
  }

  /** A message was written: make sure a check is scheduled. */
  written(): void {
    if (!this.#timer.active) this.#timer.start(this.#timeoutMs);
  }

  /** Stops watching (connection lost or client closed). */
  stop(): void {
    this.#timer.stop();
  }

  #check(): void {
    const now = this.#clock.now();
    let probe = false;
    let next = Infinity;
    for (const e of [...this.#outbox.inFlightEntries()]) {
      if (e.writtenAt === undefined) continue;
      if (e.probedAt === undefined) {
        if (now - e.writtenAt >= this.#timeoutMs) {
          e.probedAt = now;
          probe = true;
        }
      } else if (now - e.probedAt >= this.#timeoutMs) {
        // The probe had its time and the link is still up: ask for the receipt again.
        this.#outbox.rewrite(e);
      }
    }
    if (probe) this.#probe();
    for (const e of this.#outbox.inFlightEntries()) {
      if (e.writtenAt !== undefined)
        next = Math.min(next, (e.probedAt ?? e.writtenAt) + this.#timeoutMs);
    }
    if (next !== Infinity) this.#timer.start(next - now);
  }
}
