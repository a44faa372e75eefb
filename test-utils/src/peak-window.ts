/**
 * The reconnect-storm measure shared by the benchmark (`bench/`) and the chaos suite (`chaos/`):
 * issue 7's and issue 8's "no 100 ms window holds more than 5 % of the attempts".
 */

/**
 * The largest fraction of `times` (milliseconds, any order) that falls inside any half-open
 * window `[t, t + windowMs)`. A sliding window, not fixed buckets: fixed buckets can split a burst
 * in two and under-report it. Returns 0 when there are no times.
 */
export function peakWindowShare(times: readonly number[], windowMs: number): number {
  if (times.length === 0) return 0;
  const sorted = Float64Array.from(times).sort();
  let best = 0;
  let start = 0;
  for (let end = 0; end < sorted.length; end++) {
    while (sorted[end]! - sorted[start]! >= windowMs) start++;
    best = Math.max(best, end - start + 1);
  }
  return best / sorted.length;
}
