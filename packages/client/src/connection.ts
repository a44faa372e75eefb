/**
 * One socket attempt. Each attempt has an id; once the client moves on (close, dead link,
 * timeout) the attempt is detached: its handlers are replaced by no-ops, so events from a
 * stale socket can never reach the client, and its socket is closed before the next one is
 * created, so there is never more than one socket CONNECTING or OPEN.
 */
import { SUBPROTOCOL } from '@ackwire/protocol';
import type { Clock } from './clock.js';
import {
  ReadyState,
  type CloseEventLike,
  type ErrorEventLike,
  type WebSocketConstructor,
  type WebSocketLike,
} from './websocket.js';

/** What a connection reports to its owner. Never called after `drop()`. @internal */
export interface ConnectionHooks {
  open(conn: Connection): void;
  frame(conn: Connection, data: unknown): void;
  close(conn: Connection, code: number, reason: string): void;
  error(conn: Connection, event: ErrorEventLike): void;
  /** Bytes arrived that are not a message (a protocol-level ping), where the socket shows them. */
  alive(conn: Connection): void;
}

/** Node's `ws` sockets are event emitters that expose protocol pings; browsers hide them. */
interface NodeStyleEvents {
  on(event: 'ping', listener: () => void): unknown;
  off(event: 'ping', listener: () => void): unknown;
}

const noop = (): void => {};

/** One WebSocket attempt with its attempt id. @internal */
export class Connection {
  readonly #socket: WebSocketLike;
  #detached = false;
  readonly #onPing = (): void => {
    if (!this.#detached) this.#hooks.alive(this);
  };

  /**
   * Creates the socket at once, offering the `ackwire.v1` subprotocol.
   * @throws whatever the WebSocket constructor throws (e.g. a SyntaxError for a bad URL).
   */
  readonly #hooks: ConnectionHooks;

  constructor(
    readonly attempt: number,
    WebSocketCtor: WebSocketConstructor,
    url: string,
    hooks: ConnectionHooks,
  ) {
    this.#hooks = hooks;
    this.#socket = new WebSocketCtor(url, [SUBPROTOCOL]);
    // Binary frames as ArrayBuffer everywhere (browsers default to Blob, ws to Buffer).
    this.#socket.binaryType = 'arraybuffer';
    this.#socket.onopen = () => {
      if (!this.#detached) this.#hooks.open(this);
    };
    this.#socket.onmessage = (event) => {
      if (!this.#detached) this.#hooks.frame(this, event.data);
    };
    this.#socket.onerror = (event) => {
      if (!this.#detached) this.#hooks.error(this, event);
    };
    this.#socket.onclose = (event: CloseEventLike) => {
      if (this.#detached) return;
      this.#detach();
      this.#hooks.close(this, event.code, event.reason);
    };
    // Any received byte is liveness (issue 8): with `ws`, the server's protocol pings count too.
    this.#nodeEvents()?.on('ping', this.#onPing);
  }

  #nodeEvents(): NodeStyleEvents | undefined {
    const s = this.#socket as Partial<NodeStyleEvents>;
    return typeof s.on === 'function' && typeof s.off === 'function'
      ? (s as NodeStyleEvents)
      : undefined;
  }

  /** The subprotocol the server selected ('' when none). */
  get protocol(): string {
    return this.#socket.protocol;
  }

  /** Bytes written but not yet handed to the network. */
  get bufferedAmount(): number {
    return this.#detached ? 0 : this.#socket.bufferedAmount;
  }

  /** True while the socket is OPEN and this attempt is current. */
  get isOpen(): boolean {
    return !this.#detached && this.#socket.readyState === ReadyState.OPEN;
  }

  /** Writes one frame; false when the socket refused it (closing, or not open). */
  send(frame: string | Uint8Array): boolean {
    if (!this.isOpen) return false;
    try {
      this.#socket.send(frame);
      return true;
    } catch {
      return false;
    }
  }

  /**
   * Detaches and closes the socket without waiting for its close event. `terminate()` (ws)
   * is used when `hard` and available, because a half-open TCP link would otherwise linger
   * in CLOSING until the OS gives up.
   */
  drop(code: number, reason = '', hard = false): void {
    if (this.#detached) return;
    this.#detach();
    const s = this.#socket;
    if (s.readyState === ReadyState.CLOSED) return;
    try {
      const terminate = (s as { terminate?: () => void }).terminate;
      if (hard && typeof terminate === 'function') terminate.call(s);
      else s.close(code, reason);
    } catch {
      // Closing can only fail on an invalid code or a socket already gone; either way it is
      // no longer ours.
    }
  }

  /**
   * Closes cleanly and resolves on the socket's close event, or after `waitMs` at most (a
   * close handshake the peer never answers must not hang `client.close()`).
   */
  closeGracefully(code: number, reason: string, waitMs: number, clock: Clock): Promise<void> {
    if (this.#detached) return Promise.resolve();
    this.#detach();
    const s = this.#socket;
    if (s.readyState === ReadyState.CLOSED) return Promise.resolve();
    return new Promise((resolve) => {
      const handle = clock.setTimeout(done, waitMs);
      function done(): void {
        clock.clearTimeout(handle);
        s.onclose = noop;
        resolve();
      }
      s.onclose = done;
      try {
        s.close(code, reason);
      } catch {
        done();
      }
    });
  }

  #detach(): void {
    this.#detached = true;
    // No-ops rather than null: `ws` throws an unhandled 'error' when no listener is attached.
    this.#socket.onopen = noop;
    this.#socket.onmessage = noop;
    this.#socket.onerror = noop;
    this.#socket.onclose = noop;
    this.#nodeEvents()?.off('ping', this.#onPing);
  }
}
