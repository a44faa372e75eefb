/**
 * Public types of handlers and events.
 */
import type { IncomingMessage } from 'node:http';
import type { Payload } from '@ackwire/protocol';
import type { Session } from './session.js';

/** What a handler receives besides the message data. */
export interface HandlerContext {
  /** The client's session (outlives connections; holds `data` for app state and `topics`). */
  session: Session;
  /** Client instance id (`hello.cid`). */
  clientId: string;
  /** What `authenticate` returned for this connection (undefined without the hook). */
  principal: unknown;
  /** Session id of the connection the message arrived on (`welcome.sid`). */
  sessionId: string;
  /** The HTTP upgrade request of that connection (headers, remote address). */
  request: IncomingMessage;
  /** Id of the message (`msg.id`); undefined for a volatile message. */
  messageId: number | undefined;
  /** True for a volatile `vol` message: there is no receipt, the result is ignored. */
  volatile: boolean;
}

/**
 * Handles one message type. The resolved value becomes the receipt's `data` (a JSON value, a
 * `Uint8Array` for a binary frame, or undefined); a throw becomes an error receipt with the
 * error's `code` (when it matches ERROR_CODE_PATTERN, else HANDLER_ERROR) and its message.
 */
export type Handler = (data: Payload | undefined, ctx: HandlerContext) => unknown;

/** Options of server-side sends (`publish`, `broadcast`, `sendTo`). */
export interface PushOptions {
  /**
   * Volatile sends are dropped for connections past their high-water mark instead of counting
   * against the hard limit.
   * @default false
   */
  volatile?: boolean;
}

/** Options of `server.broadcast`. */
export interface BroadcastOptions extends PushOptions {
  /**
   * Client id left out of the broadcast and named as the push's `from`: relaying one client's
   * message to all the others.
   * @default undefined (every open session)
   */
  except?: string;
}

/** A topic position returned by `publish` and in `pub` receipts. */
export interface PublishResult {
  epoch: string;
  offset: number;
}

/** Payload of the `connect` event: a WebSocket was accepted (before its hello). */
export interface ConnectEvent {
  remoteAddress: string | undefined;
  request: IncomingMessage;
}

/** Payload of the `session` event: a session opened (welcome sent). */
export interface SessionEvent {
  cid: string;
  sid: string;
  resumed: boolean;
  principal: unknown;
}

/** Payload of the `disconnect` event. */
export interface DisconnectEvent {
  /** Client id, or undefined when the connection closed before its hello. */
  cid: string | undefined;
  /** Close code: the server's own when it closed (4008 for a dead peer), else the peer's. */
  code: number;
  reason: string;
}

/** Events of an AckwireServer (node:events, typed). */
export interface ServerEvents {
  connect: [ConnectEvent];
  session: [SessionEvent];
  disconnect: [DisconnectEvent];
  /** Server-side failures (listen errors, hook crashes). Only emitted when listened to. */
  error: [Error];
}
