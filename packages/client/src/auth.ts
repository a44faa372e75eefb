/**
 * Auth tokens (issue 4, "Auth"). `auth` is a string or a function called before every
 * connection attempt, so an expired token is refreshed on reconnect. A refusal (close 4001)
 * is fatal for that token: it is never sent again. A static token that is refused, a function
 * that hands back a refused token, or three refusals in a row close the client with
 * `AUTH_REJECTED`; otherwise the next attempt waits for the backoff, so a server refusing
 * everything sees no retry storm.
 * @internal
 */
import { clientError } from './errors.js';
import type { ClientOptions } from './options.js';

/** Consecutive refusals after which a refreshing `auth` function is given up on. */
const MAX_REJECTIONS = 3;

/** Token state of one client. @internal */
export class AuthState {
  /** The token sent in the current attempt's hello. */
  token: string | undefined;
  readonly #refused = new Set<string>();
  #rejections = 0;

  readonly #auth: ClientOptions['auth'];

  constructor(auth: ClientOptions['auth']) {
    this.#auth = auth;
  }

  /**
   * Gets the token for a new attempt.
   * @throws AckwireClientError `AUTH_FAILED` (the function threw or returned a non-string; retry)
   *   or `AUTH_REJECTED` (it returned a refused token; fatal).
   */
  async next(): Promise<string | undefined> {
    const auth = this.#auth;
    let token: unknown;
    try {
      token = typeof auth === 'function' ? await auth() : auth;
    } catch (cause) {
      throw clientError('AUTH_FAILED', 'options.auth threw', { cause });
    }
    if (token !== undefined && typeof token !== 'string') {
      throw clientError('AUTH_FAILED', `options.auth: expected a string, got ${typeof token}`);
    }
    if (token !== undefined && this.#refused.has(token)) {
      throw clientError(
        'AUTH_REJECTED',
        'options.auth returned a token the server already refused',
      );
    }
    this.token = token;
    return token;
  }

  /** The server refused the current token. Returns true when a fresh token may be tried. */
  rejected(): boolean {
    if (this.token !== undefined) this.#refused.add(this.token);
    this.#rejections++;
    return (
      typeof this.#auth === 'function' &&
      this.token !== undefined &&
      this.#rejections < MAX_REJECTIONS
    );
  }

  /** A session opened: the refusal streak is over. */
  accepted(): void {
    this.#rejections = 0;
  }
}
