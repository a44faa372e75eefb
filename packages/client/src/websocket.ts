/**
 * The minimal WebSocket surface the client uses. Declared locally so that the public types
 * carry no DOM or Node types: the browser's `WebSocket`, the `ws` package and `mock-socket`
 * all satisfy it.
 */

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

/** `readyState` values (WHATWG WebSockets §3). */
export const ReadyState = Object.freeze({ CONNECTING: 0, OPEN: 1, CLOSING: 2, CLOSED: 3 } as const);
