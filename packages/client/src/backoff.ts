/**
 * Reconnect delays: exponential backoff with full jitter (AWS Architecture Blog, "Exponential
 * Backoff And Jitter", 2015). The jitter still applies at the cap: socket.io-client's
 * randomisation is clamped to its 5 s maximum, so after a server restart its clients reconnect
 * in lock-step; here a capped delay is still uniform over [0, cap].
 */

/** Backoff settings, in milliseconds. */
export interface BackoffSettings {
  /** Ceiling of the first retry's delay. */
  baseMs: number;
  /** Largest ceiling; later retries draw uniformly from [0, capMs]. */
  capMs: number;
  /**
   * Width of the jitter window added to a `retry-later` wait (`goaway.after`). Without it, the
   * cap: a graceful restart would then spread its clients over the whole cap.
   */
  retryLaterJitterMs?: number;
}

/** A source of uniform random numbers in [0, 1), like `Math.random`. */
export type RandomSource = () => number;

/**
 * Delay before reconnect attempt number `attempt` (0 for the first retry after a loss): a
 * uniform draw from [0, min(capMs, baseMs * 2^attempt)). Pure apart from `random`.
 */
export function backoffDelay(
  attempt: number,
  settings: BackoffSettings,
  random: RandomSource = Math.random,
): number {
  const exponent = Math.min(Math.max(0, Math.floor(attempt)), 30);
  const ceiling = Math.min(settings.capMs, settings.baseMs * 2 ** exponent);
  return Math.floor(random() * ceiling);
}

/**
 * Delay after a `retry-later` close (docs/protocol.md §10): the server's `goaway.after` (or,
 * without one, the cap) plus a uniform draw over `retryLaterJitterMs` (default: the cap), so a
 * restarting server is not hit by every client in the same millisecond, yet recovers within
 * `after + retryLaterJitterMs` rather than `after + cap`.
 */
export function retryLaterDelay(
  afterMs: number | undefined,
  settings: BackoffSettings,
  random: RandomSource = Math.random,
): number {
  const jitterMs = settings.retryLaterJitterMs ?? settings.capMs;
  return Math.floor((afterMs ?? settings.capMs) + random() * jitterMs);
}
