/**
 * How much of what a connection was sent its peer has confirmed reading (issue 8, slow
 * consumers). The socket's buffered amount only shows Node's own queue: the kernel's send
 * buffer and the peer's receive buffer take megabytes more before Node sees any backpressure,
 * so 100 readers that stopped reading each absorbed about 5 MB of a busy topic's events before
 * their events began to wait as references, and copying that half a gigabyte through loopback
 * was where the other clients' round trips were slow (docs/reliability.md). The server therefore
 * also counts the bytes written and not yet confirmed, and treats a connection with
 * `sendReadWindow` of them as backed up, like one above its high-water mark.
 *
 * Confirmation is a protocol ping carrying the count of bytes written before it (RFC 6455
 * §5.5.2): TCP delivers in order, so the peer's pong, which echoes that count (§5.5.3), proves
 * it read everything up to there. Browsers and `ws` answer pings without application code. A
 * probe goes out once half the window is unconfirmed, so a reader whose round trip is shorter
 * than the time to send half a window is never held up.
 *
 * The window starts at {@link INITIAL_READ_WINDOW} and doubles with every probe answered, up to
 * its size (TCP's slow start, RFC 5681 §3.1, for the same reason): a peer that has not yet shown
 * it reads a busy topic is trusted with little, so 100 readers that subscribe and stop reading at
 * once cost the server 100 small windows, while a reader that keeps up reaches the full window
 * within a few round trips.
 * @internal
 */

/** Bytes a new connection may have unconfirmed before its first probe is answered. @internal */
export const INITIAL_READ_WINDOW = 64 * 1024;

/** @internal */
export class ReadWindow {
  readonly #max: number;
  #window: number;
  readonly #ping: (payload: string) => void;
  #written = 0;
  #confirmed = 0;
  /** Bytes written before the probe that awaits its pong; undefined when none is out. */
  #probe: number | undefined = undefined;

  /** `window` bytes may be unconfirmed (0 turns the window off); `ping` sends a probe. */
  constructor(window: number, ping: (payload: string) => void) {
    this.#max = window;
    this.#window = Math.min(window, INITIAL_READ_WINDOW);
    this.#ping = ping;
  }

  /** Bytes handed to the socket so far (a count that only grows). */
  get written(): number {
    return this.#written;
  }

  /** Bytes written and confirmed read so far (a count that only grows). */
  get confirmed(): number {
    return this.#confirmed;
  }

  /** True while `window` bytes or more are unconfirmed. */
  get full(): boolean {
    return this.#window > 0 && this.#written - this.#confirmed >= this.#window;
  }

  /** Counts bytes handed to the socket; sends a probe once half the window is unconfirmed. */
  wrote(bytes: number): void {
    this.#written += bytes;
    this.#maybeProbe();
  }

  /** Sends a probe (the count written so far) when half the window is out and none is. */
  #maybeProbe(): void {
    if (this.#window === 0 || this.#probe !== undefined) return;
    if (this.#written - this.#confirmed < this.#window / 2) return;
    this.#probe = this.#written;
    this.#ping(String(this.#written));
  }

  /**
   * Takes a pong's payload. Returns true when it answered the outstanding probe (the window may
   * have opened). Pongs to heartbeat pings carry nothing and confirm nothing, nor does any count
   * but the probe's own, so a peer cannot claim to have read what it was never sent.
   */
  pong(payload: Buffer): boolean {
    if (this.#probe === undefined || payload.length === 0 || payload.length > 16) return false;
    if (payload.toString('latin1') !== String(this.#probe)) return false;
    this.#confirmed = this.#probe;
    this.#probe = undefined;
    this.#window = Math.min(this.#max, this.#window * 2);
    this.#maybeProbe();
    return true;
  }
}
