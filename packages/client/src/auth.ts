/**
 * Auth tokens (issue 4, "Auth"). `auth` is a string, or a function called before every
 * connection attempt, so an expired token is refreshed on reconnect. A refusal (close 4001) is
 * fatal for that token: it is never sent again. A static token that is refused, a function that
 * hands back a refused token, or three refusals in a row close the client with `AUTH_REJECTED`;
 * otherwise the next attempt waits for the backoff, so a server refusing everything sees no
 * retry storm.
 * @internal
 */
import { clientError, refused } from './errors.js';
import type { ClientOptions } from './options.js';

/** Consecutive refusals after which a refreshing `auth` function is given up on. */
const MAX_REJECTIONS = 3;

/** Token state of one client. @internal */
export interface AuthState {
  /** The token sent in the current attempt's hello. */
  _token: string | undefined;
  /** Every token the server refused. */
  readonly _refused: Set<string>;
  /** Refusals since the last session opened. */
  _rejections: number;
}

/**
 * Gets the token for a new attempt.
 * @throws AckwireClientError `AUTH_FAILED` (the function threw or returned a non-string; retry)
 *   or `AUTH_REJECTED` (it returned a refused token; fatal).
 * @internal
 */
export async function nextToken(
  auth: ClientOptions['auth'],
  state: AuthState,
): Promise<string | undefined> {
  let token: unknown;
  try {
    token = typeof auth === 'function' ? await auth() : auth;
  } catch (cause) {
    throw clientError('AUTH_FAILED', 'options.auth threw', { cause });
  }
  if (token !== undefined && typeof token !== 'string') {
    throw refused('options.auth', 'a string', typeof token, 'AUTH_FAILED');
  }
  if (token !== undefined && state._refused.has(token)) {
    throw clientError('AUTH_REJECTED', 'options.auth: a token the server refused');
  }
  return token;
}

/**
 * The server refused the current token (close 4001). Returns true when a fresh token may be
 * tried: `auth` is a function and fewer than three refusals came in a row.
 * @internal
 */
export function tokenRefused(auth: ClientOptions['auth'], state: AuthState): boolean {
  const token = state._token;
  if (token !== undefined) state._refused.add(token);
  return typeof auth === 'function' && token !== undefined && ++state._rejections < MAX_REJECTIONS;
}
