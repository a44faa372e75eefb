/**
 * Coalescing the writes of one read (issue 7). `ws` emits every message of one socket read
 * before the microtask queue runs. Holding the socket's writes (`cork`) from the first of them
 * until then sends every receipt answered meanwhile in one `writev`, where each used to cost its
 * own system call: the largest part of the server's CPU per acknowledged message. Nothing waits
 * longer than the read that caused it; receipts of handlers that return promises settle after
 * the release and are written at once, as before.
 */
import type { Duplex } from 'node:stream';

/** Holds a socket's writes until the read being handled is done. @internal */
export class WriteCoalescer {
  readonly #socket: Duplex;
  #holding = false;
  readonly #release = (): void => {
    this.#holding = false;
    // A destroyed socket ignores this; `end()` releases a held socket by itself.
    this.#socket.uncork();
  };

  constructor(socket: Duplex) {
    this.#socket = socket;
  }

  /** Holds the writes until the microtask queue runs (the current read was handled); idempotent. */
  holdUntilReadHandled(): void {
    if (this.#holding) return;
    this.#holding = true;
    this.#socket.cork();
    queueMicrotask(this.#release);
  }
}
