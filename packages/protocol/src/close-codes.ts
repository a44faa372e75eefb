/**
 * Close codes and what a client does after each (docs/protocol.md §10). RFC 6455 §7.4.1
 * defines the 1xxx codes; 4000-4999 are private-use codes of ours (RFC 6455 §7.4.2).
 */

/** Every close code ackwire sends or interprets. */
export const CloseCode = /* @__PURE__ */ Object.freeze({
  /** Normal closure: the client's own `close()`, or a server ending a session on request. */
  NORMAL: 1000,
  /** Going away: server shutdown or restart (preceded by a `goaway` notice). */
  GOING_AWAY: 1001,
  /** Protocol error: an RFC 6455 framing violation. */
  PROTOCOL_ERROR: 1002,
  /** Unsupported data. */
  UNSUPPORTED_DATA: 1003,
  /** Abnormal closure: no close frame (reserved; never sent on the wire). */
  ABNORMAL: 1006,
  /** Invalid frame payload data, e.g. invalid UTF-8 in a text frame. */
  INVALID_PAYLOAD: 1007,
  /** Policy violation: rate limit exceeded repeatedly. */
  POLICY_VIOLATION: 1008,
  /** Message too big: a frame above the announced `maxBytes`. */
  MESSAGE_TOO_BIG: 1009,
  /** Internal server error. */
  INTERNAL_ERROR: 1011,
  /** Service restart. */
  SERVICE_RESTART: 1012,
  /** Try again later: overload, or a slow consumer past the hard limit. */
  TRY_AGAIN_LATER: 1013,
  /** No `hello` within the server's session-open timeout. */
  SESSION_TIMEOUT: 4000,
  /** Authentication failed: token missing, invalid or expired. */
  UNAUTHORIZED: 4001,
  /** The offered protocol version is not spoken (text frame fallback of §1.2). */
  UNSUPPORTED_VERSION: 4002,
  /** Authenticated but not allowed to connect. */
  FORBIDDEN: 4003,
  /** Another connection opened a session with the same client id. */
  SESSION_REPLACED: 4004,
  /** The peer sent nothing (not even a heartbeat) within interval + timeout. */
  HEARTBEAT_TIMEOUT: 4008,
  /** Envelope-level protocol violation: invalid envelope, unknown kind, `hello` twice. */
  BAD_ENVELOPE: 4009,
} as const);

/** One of the close codes listed in {@link CloseCode}. */
export type CloseCodeValue = (typeof CloseCode)[keyof typeof CloseCode];

/**
 * What a client does after a close:
 * - `fatal`: do not reconnect; surface a typed error.
 * - `retry`: reconnect with exponential backoff and full jitter.
 * - `retry-later`: reconnect after the server's `goaway.after` (or the backoff cap) plus jitter.
 * - `stop`: the close was requested; nothing to do.
 */
export type CloseAction = 'fatal' | 'retry' | 'retry-later' | 'stop';

/**
 * The classes of §10, one row per class; codes in neither row are `retry`. Numbers rather than
 * `CloseCode` lookups keep the table small in a browser bundle; the close-code tests check each
 * code's class by name.
 */
const FATAL: readonly number[] = [
  4001, // UNAUTHORIZED
  4002, // UNSUPPORTED_VERSION
  4003, // FORBIDDEN
  4004, // SESSION_REPLACED
];
const RETRY_LATER: readonly number[] = [
  1001, // GOING_AWAY
  1008, // POLICY_VIOLATION
  1012, // SERVICE_RESTART
  1013, // TRY_AGAIN_LATER
];

/**
 * Classifies a close code received from a server (docs/protocol.md §10). Unknown codes,
 * including other 4xxx codes, are `retry`, so a client never gives up on a code it
 * does not know. `NORMAL` from a server is `retry` too: only the client decides to stop.
 */
export function classifyClose(code: number): Exclude<CloseAction, 'stop'> {
  if (FATAL.includes(code)) return 'fatal';
  if (RETRY_LATER.includes(code)) return 'retry-later';
  return 'retry';
}
