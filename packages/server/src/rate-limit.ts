/**
 * Per-connection token bucket (docs/DESIGN-NOTES.md §7). Pure: time comes from the caller, so
 * units run on a fake clock.
 */

/** Outcome of one message: allowed, refused (answer RATE_LIMITED), or refused too often (close). */
export type RateVerdict = 'allow' | 'refuse' | 'close';

/**
 * Token bucket holding `burst` tokens, refilled at `perSecond`. A message takes one token.
 * Without one it is refused; once `burst` further messages have been refused without a token
 * having come back in between, the verdict is `close` (1008): the client is ignoring refusals.
 */
export class TokenBucket {
  readonly #perMs: number;
  readonly #burst: number;
  #tokens: number;
  #refusedInARow = 0;
  #last: number;

  constructor(perSecond: number, burst: number, now: number) {
    this.#perMs = perSecond / 1000;
    this.#burst = burst;
    this.#tokens = burst;
    this.#last = now;
  }

  /** Tokens currently available (fractional). */
  get tokens(): number {
    return this.#tokens;
  }

  /** Takes one token at time `now`. */
  take(now: number): RateVerdict {
    const elapsed = Math.max(0, now - this.#last);
    this.#last = now;
    this.#tokens = Math.min(this.#burst, this.#tokens + elapsed * this.#perMs);
    if (this.#tokens >= 1) {
      this.#tokens -= 1;
      this.#refusedInARow = 0;
      return 'allow';
    }
    this.#refusedInARow++;
    return this.#refusedInARow > this.#burst ? 'close' : 'refuse';
  }
}
