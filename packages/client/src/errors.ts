/**
 * Error classes of the client. Every error the client rejects a promise with, throws, or emits
 * as an `error` event is an {@link AckwireError} with a stable `code` (docs/errors.md).
 */
import { AckwireError } from '@ackwire/protocol';

/** Codes an {@link AckwireClientError} can carry. Stable: safe to switch on. */
export type ClientErrorCode =
  /** A message's total deadline (`sendTimeoutMs`, or `request`'s `timeoutMs`) passed without a receipt. */
  | 'TIMEOUT'
  /** A message was written `maxAttempts` times without a receipt. */
  | 'RETRIES_EXHAUSTED'
  /** The client was closed (by `close()` or a fatal close) before the operation finished. */
  | 'CLOSED'
  /** The outbox is full (`maxQueue` or `maxQueueBytes`) and `overflow` is `'reject'`. */
  | 'QUEUE_FULL'
  /** The message was evicted from a full outbox because `overflow` is `'drop-oldest'`. */
  | 'DROPPED'
  /** The server refused the auth token (close 4001), or `auth` kept returning refused tokens. */
  | 'AUTH_REJECTED'
  /** The `auth` function threw or returned something other than a string. */
  | 'AUTH_FAILED'
  /** The server does not speak `ackwire.v1` (HTTP 426, or another subprotocol was selected). */
  | 'VERSION_UNSUPPORTED'
  /** A `ws://` URL was given on an `https:` page; browsers would block it as mixed content. */
  | 'INSECURE_URL'
  /** The URL could not be resolved to a `ws:` or `wss:` URL. */
  | 'INVALID_URL'
  /** The encoded message is larger than the server's `maxBytes` (or `maxMessageBytes`). */
  | 'MESSAGE_TOO_LARGE'
  /** The server closed with a code classified fatal (4003 forbidden, 4004 session replaced). */
  | 'FATAL_CLOSE'
  /** No `WebSocket` constructor was passed and none exists on `globalThis`. */
  | 'NO_WEBSOCKET'
  /** An argument was invalid (bad topic, bad type name, data that cannot be encoded). */
  | 'INVALID_ARGUMENT'
  /** An event listener of the app threw; the error is the `cause`. */
  | 'LISTENER_ERROR'
  /** A connection attempt did not reach the server's `welcome` within `connectTimeoutMs`. */
  | 'CONNECT_TIMEOUT'
  /** A subscription result sent by the server failed validation. */
  | 'BAD_SUBSCRIBE_RESULT';

/** An error raised by the client itself (as opposed to one the server sent; see {@link ServerError}). */
export class AckwireClientError extends AckwireError {
  declare readonly code: ClientErrorCode;
  /** The close code behind this error, when a socket close caused it. */
  readonly closeCode: number | undefined;

  constructor(
    code: ClientErrorCode,
    message: string,
    options?: { cause?: unknown; closeCode?: number },
  ) {
    super(code, message, options);
    this.name = 'AckwireClientError';
    this.closeCode = options?.closeCode;
  }
}

/**
 * A failure the server reported: an error receipt (`ack` with `ok: false`), a failed
 * subscription result, or an `error` notice. `code` is the server's code, passed through
 * unchanged (e.g. `UNKNOWN_TYPE`, `HANDLER_ERROR`, `FORBIDDEN`, `RATE_LIMITED`, or an app code
 * thrown by a handler).
 */
export class ServerError extends AckwireError {
  /** The message id the server answered, when the error is a receipt. */
  readonly id: number | undefined;

  constructor(code: string, message: string, options?: { id?: number }) {
    super(code, message);
    this.name = 'ServerError';
    this.id = options?.id;
  }
}

/**
 * The one shape of a refused value, as the protocol's validator words it (docs/protocol.md
 * §3.6): `field: expected what, got value`. @internal
 */
export function refused(
  field: string,
  expected: string,
  got: unknown,
  code: ClientErrorCode = 'INVALID_ARGUMENT',
): AckwireClientError {
  return clientError(code, `${field}: expected ${expected}, got ${String(got)}`);
}

/**
 * Runs `check` on an argument the app handed in; whatever it throws (a ProtocolError naming the
 * field) is rethrown as `INVALID_ARGUMENT` with the same message, the original as its cause.
 * @internal
 */
export function checkArgument<T>(check: () => T): T {
  try {
    return check();
  } catch (cause) {
    const message = cause instanceof Error ? cause.message : String(cause);
    throw clientError('INVALID_ARGUMENT', message, { cause });
  }
}

/** Shorthand used throughout the client. @internal */
export function clientError(
  code: ClientErrorCode,
  message: string,
  options?: { cause?: unknown; closeCode?: number },
): AckwireClientError {
  return new AckwireClientError(code, message, options);
}
