/**
 * Coalescing the writes of one read (issue 7). `ws` emits every message of one socket read
 * before the microtask queue runs. Holding the socket's writes (`cork`) from the first of them
 * until then sends every receipt answered meanwhile in one `writev`, where each used to cost its
 * own system call: the largest part of the server's CPU per acknowledged message. Receipts of
 * handlers that return promises mostly settle together in a later run of the queue and are held
 * the same way. Nothing waits past the run of the microtask queue that produced it.
 */
import type { Duplex } from 'node:stream';

/** Holds a socket's writes until the microtask queue has run. @internal */
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

  /**
   * Holds the writes until the microtask queue has run: after a read, once its messages were
   * handled; after a settled promise, once the others settling with it were. Idempotent.
   */
  hold(): void {
    if (this.#holding) return;
    this.#holding = true;
    this.#socket.cork();
    queueMicrotask(this.#release);
  }
}
