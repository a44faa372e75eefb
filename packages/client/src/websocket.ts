/**
 * The minimal WebSocket surface the client uses. Declared locally so that the public types
 * carry no DOM or Node types: the browser's `WebSocket`, the `ws` package and `mock-socket`
 * all satisfy it. The functions at the end run one socket attempt.
 */
import { SUBPROTOCOL } from '@ackwire/protocol';
import type { Clock } from './clock.js';

/** The event a WebSocket passes to `onclose`. */
export interface CloseEventLike {
  readonly code: number;
  readonly reason: string;
  readonly wasClean?: boolean;
}

/** The event a WebSocket passes to `onmessage`. */
export interface MessageEventLike {
  readonly data: unknown;
}

/** The event a WebSocket passes to `onerror`; `ws` adds `message` and `error`. */
export interface ErrorEventLike {
  readonly type?: string;
  readonly message?: string;
  readonly error?: unknown;
}

/**
 * An event handler property. Declared through a method so its parameter is checked
 * bivariantly: implementations (`ws`, `mock-socket`, the DOM) type their events more
 * precisely, and still fit.
 */
export type EventHandler<E> = { bivarianceHack(event: E): void }['bivarianceHack'];

/** One WebSocket, as the browser API defines it (the subset the client uses). */
export interface WebSocketLike {
  readonly readyState: number;
  readonly protocol: string;
  readonly bufferedAmount: number;
  binaryType: string;
  onopen: EventHandler<unknown> | null;
  onmessage: EventHandler<MessageEventLike> | null;
  onclose: EventHandler<CloseEventLike> | null;
  onerror: EventHandler<ErrorEventLike> | null;
  send(data: string | ArrayBufferView | ArrayBuffer): void;
  close(code?: number, reason?: string): void;
}

/** A WebSocket constructor compatible with the browser's: `new WS(url, protocols)`. */
export type WebSocketConstructor = new (
  url: string,
  protocols?: string | string[],
) => WebSocketLike;

/**
 * The two `readyState` values the client tells apart (WHATWG WebSockets §3: CONNECTING 0, OPEN 1,
 * CLOSING 2, CLOSED 3), as plain constants that minifiers inline. @internal
 */
export const OPEN = 1;
/** @internal */
export const CLOSED = 3;

// ---------------------------------------------------------------------- one socket attempt

/**
 * What a socket attempt reports to. Each handler runs only while `ws` is still the owner's
 * current socket (`_ws`): once the client moves on (close, dead link, timeout), events from the
 * stale socket can never reach it. @internal
 */
export interface SocketOwner {
  _ws: WebSocketLike | undefined;
  _onOpen(): void;
  _onFrame(data: unknown): void;
  _onError(message: unknown): void;
  _onClose(code: number, reason: string): void;
  /** Bytes arrived that are not a message (a protocol-level ping), where the socket shows them. */
  _alive(): void;
}

/** Node's `ws` sockets are event emitters that expose protocol pings; browsers hide them. */
interface NodeStyleEvents {
  on(event: 'ping', listener: () => void): unknown;
  off(event: 'ping', listener: () => void): unknown;
}

/** What each attached socket listens to pings with, so that `detach` can remove it. */
const pingListeners = new WeakMap<WebSocketLike, () => void>();

const noop = (): void => {};

function nodeEvents(ws: WebSocketLike): NodeStyleEvents | undefined {
  const s = ws as Partial<NodeStyleEvents>;
  return typeof s.on === 'function' && typeof s.off === 'function'
    ? (s as NodeStyleEvents)
    : undefined;
}

/**
 * Creates one socket, offering the `ackwire.v1` subprotocol, wired to `owner`.
 * @throws whatever the WebSocket constructor throws (e.g. a SyntaxError for a bad URL).
 * @internal
 */
export function openSocket(
  WebSocketCtor: WebSocketConstructor,
  url: string,
  owner: SocketOwner,
): WebSocketLike {
  const ws = new WebSocketCtor(url, [SUBPROTOCOL]);
  const current = (): boolean => owner._ws === ws;
  // Binary frames as ArrayBuffer everywhere (browsers default to Blob, ws to Buffer).
  ws.binaryType = 'arraybuffer';
  ws.onopen = () => current() && owner._onOpen();
  ws.onmessage = (event) => current() && owner._onFrame(event.data);
  ws.onerror = (event) => current() && owner._onError(event.message);
  ws.onclose = (event) => {
    if (!current()) return;
    detach(ws);
    owner._onClose(event.code, event.reason);
  };
  // Any received byte is liveness (issue 8): with `ws`, the server's protocol pings count too.
  const ping = (): void => {
    if (current()) owner._alive();
  };
  pingListeners.set(ws, ping);
  nodeEvents(ws)?.on('ping', ping);
  return ws;
}

/**
 * Stops listening to `ws`. Handlers become no-ops rather than null: `ws` throws an unhandled
 * 'error' when no listener is attached. @internal
 */
export function detach(ws: WebSocketLike): void {
  ws.onopen = ws.onmessage = ws.onerror = ws.onclose = noop;
  const ping = pingListeners.get(ws);
  if (ping) nodeEvents(ws)?.off('ping', ping);
}

/**
 * Detaches and closes `ws` without waiting for its close event. `terminate()` (ws) is used
 * when `hard` and available, because a half-open TCP link would otherwise linger in CLOSING
 * until the OS gives up. @internal
 */
export function dropSocket(ws: WebSocketLike, code: number, reason = '', hard = false): void {
  detach(ws);
  if (ws.readyState === CLOSED) return;
  try {
    const terminate = (ws as { terminate?: () => void }).terminate;
    if (hard && typeof terminate === 'function') terminate.call(ws);
    else ws.close(code, reason);
  } catch {
    // Closing can only fail on an invalid code or a socket already gone; either way it is no
    // longer ours.
  }
}

/**
 * Detaches `ws`, closes it cleanly and resolves on its close event, or after `waitMs` at most
 * (a close handshake the peer never answers must not hang `client.close()`). @internal
 */
export function closeGracefully(ws: WebSocketLike, waitMs: number, clock: Clock): Promise<void> {
  detach(ws);
  if (ws.readyState === CLOSED) return Promise.resolve();
  return new Promise((resolve) => {
    const handle = clock.setTimeout(done, waitMs);
    function done(): void {
      clock.clearTimeout(handle);
      ws.onclose = noop;
      resolve();
    }
    ws.onclose = done;
    try {
      ws.close(1000, 'client closed');
    } catch {
      done();
    }
  });
}
