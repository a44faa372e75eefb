/**
 * The errors behind fatal closes (docs/protocol.md §10). The protocol's `classifyClose` says
 * whether a close is retried after backoff, retried later (after the server's `goaway.after`,
 * or the cap, plus jitter), or fatal; the session applies it, and for a fatal code reports the
 * typed error built here. A 4001 is fatal for its token only: the session asks a refreshing
 * `auth` function for a fresh one, after a backoff.
 * @internal
 */
import { SUBPROTOCOL } from '@ackwire/protocol';
import { clientError, type AckwireClientError } from './errors.js';
import type { StateReason } from './state.js';

/**
 * The close codes the client itself sends or tells apart, with the values of the protocol's
 * `CloseCode` (test/units.test.ts checks they agree). Plain constants, so a bundle that imports
 * only `AckwireClient` carries these five numbers (inlined by minifiers), not the whole `CloseCode`
 * table.
 * @internal
 */
export const CLOSE_NORMAL = 1000;
/** @internal */
export const CLOSE_ABNORMAL = 1006;
/** @internal */
export const CLOSE_UNAUTHORIZED = 4001;
/** @internal */
export const CLOSE_UNSUPPORTED_VERSION = 4002;
/** @internal */
export const CLOSE_HEARTBEAT_TIMEOUT = 4008;

/** The error a fatal close `code` (with the server's `reason`) is reported with. @internal */
export function fatalCloseError(code: number, reason: string): AckwireClientError {
  const detail = reason ? `: ${reason}` : '';
  const options = { closeCode: code };
  if (code === CLOSE_UNAUTHORIZED) {
    return clientError('AUTH_REJECTED', `token refused${detail}`, options);
  }
  if (code === CLOSE_UNSUPPORTED_VERSION) {
    return clientError('VERSION_UNSUPPORTED', `${SUBPROTOCOL} refused${detail}`, options);
  }
  return clientError('FATAL_CLOSE', `close ${code}${detail}`, options);
}

/** The state reason of closing with `error`. @internal */
export function reasonOf(error: AckwireClientError): StateReason {
  return error.code === 'AUTH_REJECTED'
    ? 'auth-rejected'
    : error.code === 'VERSION_UNSUPPORTED'
      ? 'version-unsupported'
      : 'fatal-close';
}

/**
 * True when a socket error says the server refused our protocol version. Node's ws exposes
 * the HTTP status of a refused upgrade (docs/protocol.md §1); browsers cannot see it, and there
 * a refusal looks like a network failure and is retried.
 * @internal
 */
export function isVersionRefusal(message: string): boolean {
  return /Unexpected server response: 426|Server sent (no|an invalid) subprotocol/.test(message);
}
