/**
 * What the client does after losing a socket (docs/protocol.md §10, `classifyClose`): retry
 * after full-jitter backoff, retry later (after the server's `goaway.after`, or the cap, plus
 * jitter), or stop with a typed error. Pure: the session supplies the facts.
 * @internal
 */
import { CloseCode, SUBPROTOCOL, classifyClose } from '@ackwire/protocol';
import {
  backoffDelay,
  retryLaterDelay,
  type BackoffSettings,
  type RandomSource,
} from './backoff.js';
import { clientError, type AckwireClientError } from './errors.js';
import type { StateReason } from './state.js';

/** The facts a decision needs. @internal */
export interface CloseFacts {
  code: number;
  reason: string;
  /** `goaway.after` if the server announced one on this connection. */
  goawayAfter: number | undefined;
  /** Failed attempts since the last session. */
  attempt: number;
  backoff: BackoffSettings;
  random: RandomSource;
  /** Records a 4001 refusal; true when a fresh token may be tried. */
  authRejected(): boolean;
}

/** Retry after `delayMs` (reporting `error` if set), or stop with `error`. @internal */
export type CloseDecision =
  | { action: 'retry'; delayMs: number; error?: AckwireClientError; reason?: StateReason }
  | { action: 'stop'; error: AckwireClientError; reason: StateReason };

/** Decides what follows a close with `facts.code`. @internal */
export function decideAfterClose(facts: CloseFacts): CloseDecision {
  const { code } = facts;
  const action = classifyClose(code);
  if (action === 'retry') {
    return { action: 'retry', delayMs: backoffDelay(facts.attempt, facts.backoff, facts.random) };
  }
  if (action === 'retry-later') {
    const delayMs = retryLaterDelay(facts.goawayAfter, facts.backoff, facts.random);
    return { action: 'retry', delayMs };
  }
  const detail = facts.reason ? `: ${facts.reason}` : '';
  const options = { closeCode: code };
  if (code === CloseCode.UNAUTHORIZED) {
    const error = clientError('AUTH_REJECTED', `token refused${detail}`, options);
    if (facts.authRejected()) {
      // Only that token is dead: ask `auth` for a fresh one, after a backoff (no storm).
      const delayMs = backoffDelay(facts.attempt, facts.backoff, facts.random);
      return { action: 'retry', delayMs, error, reason: 'auth-rejected' };
    }
    return { action: 'stop', error, reason: 'auth-rejected' };
  }
  if (code === CloseCode.UNSUPPORTED_VERSION) {
    const error = clientError('VERSION_UNSUPPORTED', `${SUBPROTOCOL} refused${detail}`, options);
    return { action: 'stop', error, reason: 'version-unsupported' };
  }
  const error = clientError('FATAL_CLOSE', `close ${code}${detail}`, options);
  return { action: 'stop', error, reason: 'fatal-close' };
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
