/**
 * Server error class and the stable codes it uses (docs/errors.md). Codes that reach the
 * wire travel in `ack.err` or `error.err`; the others are thrown to the application.
 */
import {
  AckwireError,
  ERROR_CODE_PATTERN,
  MAX_TEXT_LENGTH,
  type WireError,
} from '@ackwire/protocol';

/** Every code the server itself produces. */
export type ServerErrorCode =
  | 'HANDLER_ERROR'
  | 'UNKNOWN_TYPE'
  | 'ID_OUT_OF_WINDOW'
  | 'RATE_LIMITED'
  | 'FORBIDDEN'
  | 'UNKNOWN_CLIENT'
  | 'RESULT_TOO_LARGE'
  | 'TOO_MANY_SUBSCRIPTIONS'
  | 'INVALID_OPTION'
  | 'SERVER_CLOSED';

/** Error thrown by the server API, or carried to clients in a receipt. */
export class AckwireServerError extends AckwireError {
  declare readonly code: ServerErrorCode;

  constructor(code: ServerErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
    this.name = 'AckwireServerError';
  }
}

/**
 * Turns whatever a handler threw into the error a receipt carries: its `code` when that is a
 * valid wire code (docs/protocol.md §3.2), else HANDLER_ERROR; its message capped at the wire
 * limit.
 */
export function toWireError(thrown: unknown): WireError {
  const code = (thrown as { code?: unknown } | null)?.code;
  const message =
    thrown instanceof Error
      ? thrown.message
      : typeof thrown === 'string'
        ? thrown
        : 'handler failed';
  return {
    code: typeof code === 'string' && ERROR_CODE_PATTERN.test(code) ? code : 'HANDLER_ERROR',
    message: message.slice(0, MAX_TEXT_LENGTH),
  };
}
