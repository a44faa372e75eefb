/**
 * Error classes shared by every ackwire package. Each carries a stable string `code`
 * listed in docs/errors.md; messages are for humans and may change, codes never do.
 */

/** Base class of every error ackwire throws or rejects with. */
export class AckwireError extends Error {
  /** Stable machine-readable code, listed in docs/errors.md. */
  readonly code: string;

  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AckwireError';
    this.code = code;
  }
}

/** Codes a {@link ProtocolError} can carry (docs/errors.md, "Protocol"). */
export type ProtocolErrorCode =
  | 'PROTOCOL_INVALID_JSON'
  | 'PROTOCOL_INVALID_BINARY'
  | 'PROTOCOL_INVALID_ENVELOPE'
  | 'PROTOCOL_UNKNOWN_KIND'
  | 'PROTOCOL_INVALID_FIELD'
  | 'PROTOCOL_TOO_LARGE'
  | 'PROTOCOL_TOO_DEEP'
  | 'PROTOCOL_INVALID_TOPIC'
  | 'PROTOCOL_UNENCODABLE';

/**
 * Raised when a frame or an envelope breaks docs/protocol.md. `field` names the offending
 * field (a dotted path such as `hello.cid`), when there is one.
 */
export class ProtocolError extends AckwireError {
  declare readonly code: ProtocolErrorCode;
  /** The field that failed validation, as a dotted path, when one did. */
  readonly field: string | undefined;

  constructor(
    code: ProtocolErrorCode,
    message: string,
    options?: { field?: string; cause?: unknown },
  ) {
    super(code, message, options);
    this.name = 'ProtocolError';
    this.field = options?.field;
  }
}
