/**
 * Per-connection token bucket (docs/protocol.md §12). Pure: time comes from the caller, so
 * units run on a fake clock.
 */

/** Outcome of one message: allowed, refused (answer RATE_LIMITED), or refused too often (close). */
export type RateVerdict = 'allow' | 'refuse' | 'close';

/**
 * Token bucket holding `burst` tokens, refilled at `perSecond`. A message takes one token.
 * Without one it is refused, and the refusal is added to a debt that drains at `perSecond`
 * too; once the debt exceeds `burst` the verdict is `close` (1008): the client is ignoring
 * refusals. The debt is not reset by a token coming back: counting only refusals in a row let a
 * steady flooder at ten times the rate live forever, since a token returns every 1/perSecond
 * and cut every row short (found by the chaos suite's slow-consumer run, issue 8). A client
 * over the rate by less than double pays off its debt and is only refused, never closed.
 */
export class TokenBucket {
  readonly #perMs: number;
  readonly #burst: number;
  #tokens: number;
  #refusalDebt = 0;
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
    this.#refusalDebt = Math.max(0, this.#refusalDebt - elapsed * this.#perMs);
    if (this.#tokens >= 1) {
      this.#tokens -= 1;
      return 'allow';
    }
    this.#refusalDebt++;
    return this.#refusalDebt > this.#burst ? 'close' : 'refuse';
  }
}
