/**
 * Calling the application's handlers and turning what they return into receipts
 * (docs/protocol.md §9). The call is synchronous and so is the receipt when the handler returns
 * a plain value: most handlers do, and a promise per message was most of the server's own cost
 * per acknowledged message (issue 7). A handler that returns a promise gets its receipt when the
 * promise settles, as before.
 */
import {
  ProtocolError,
  type AckEnvelope,
  type MsgEnvelope,
  type Payload,
  type VolatileEnvelope,
} from '@ackwire/protocol';
import type { Connection } from './connection.js';
import { toWireError } from './errors.js';
import { encodeOutgoing } from './outgoing.js';
import type { Counters } from './stats.js';
import type { Handler, HandlerContext } from './types.js';

/** What a handler call needs from the hub. @internal */
export interface HandlerHost {
  readonly counters: Counters;
  readonly handlers: ReadonlyMap<string, Handler>;
}

/**
 * The longest ok receipt without data: `{"k":"ack","id":N,"ok":true}` is 27 bytes plus the
 * digits of a safe integer id (at most 16). Under a limit at least this large such a receipt
 * always fits, so it is not encoded just to be measured.
 */
const BARE_RECEIPT_MAX_BYTES = 27 + 16;

/** An error receipt; the message is capped at the wire limit. @internal */
export function errorAck(id: number, code: string, message: string): AckEnvelope {
  return { k: 'ack', id, ok: false, err: { code, message: message.slice(0, 1024) } };
}

/**
 * An ok receipt, checked once for encodability and size here, so what the dedup store keeps can
 * always be sent again. @internal
 */
export function okAck(id: number, data: unknown, maxBytes: number): AckEnvelope {
  const receipt: AckEnvelope = { k: 'ack', id, ok: true };
  if (data === undefined && maxBytes >= BARE_RECEIPT_MAX_BYTES) return receipt;
  if (data !== undefined) receipt.data = data as Payload;
  try {
    encodeOutgoing(receipt, maxBytes);
    return receipt;
  } catch (error) {
    if (error instanceof ProtocolError && error.code === 'PROTOCOL_TOO_LARGE') {
      return errorAck(id, 'RESULT_TOO_LARGE', `result: ${error.message}`);
    }
    return errorAck(id, 'HANDLER_ERROR', 'result: expected a JSON value or Uint8Array');
  }
}

/** True for anything `await` would wait for (promises and other thenables). */
function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    (typeof value === 'object' || typeof value === 'function') &&
    value !== null &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}

/** The context of one handler call. */
function contextOf(conn: Connection, messageId: number | undefined): HandlerContext {
  const session = conn.session!;
  return {
    session,
    clientId: session.cid,
    principal: conn.principal,
    sessionId: conn.sid!,
    request: conn.request,
    messageId,
    volatile: messageId === undefined,
  };
}

/**
 * Runs the handler of a `msg` to its receipt: the receipt itself when the handler returned (or
 * threw) synchronously, else a promise of it that never rejects. @internal
 */
export function callHandler(
  hub: HandlerHost,
  conn: Connection,
  msg: MsgEnvelope,
  maxBytes: number,
): AckEnvelope | Promise<AckEnvelope> {
  const { id } = msg;
  const handler = hub.handlers.get(msg.type);
  if (!handler) return errorAck(id, 'UNKNOWN_TYPE', `no handler for type ${msg.type}`);
  let result: unknown;
  try {
    result = handler(msg.data, contextOf(conn, id));
  } catch (error) {
    return failed(hub, id, error);
  }
  if (!isThenable(result)) return okAck(id, result, maxBytes);
  return Promise.resolve(result).then(
    (value) => okAck(id, value, maxBytes),
    (error: unknown) => failed(hub, id, error),
  );
}

function failed(hub: HandlerHost, id: number, error: unknown): AckEnvelope {
  hub.counters.handlerErrors++;
  const err = toWireError(error);
  return errorAck(id, err.code, err.message);
}

/** Runs the handler of a volatile message: no receipt, a failure is only counted. @internal */
export function callVolatileHandler(
  hub: HandlerHost,
  conn: Connection,
  vol: VolatileEnvelope,
): void {
  const handler = hub.handlers.get(vol.type);
  if (!handler) return;
  const counted = (): void => {
    hub.counters.handlerErrors++;
  };
  let result: unknown;
  try {
    result = handler(vol.data, contextOf(conn, undefined));
  } catch {
    counted();
    return;
  }
  if (isThenable(result)) Promise.resolve(result).then(undefined, counted);
}
