/**
 * Order statistics shared by the benchmark (`bench/`) and the chaos suite (`chaos/`): the
 * median of repetitions and rounds, and quantiles of latency samples. Pure, no clock.
 */

/**
 * The q-quantile (0..1) of `values` by linear interpolation between closest ranks, the same
 * definition as NumPy's default. Returns NaN for an empty list so a missing run cannot pass for 0.
 */
export function quantile(values: ArrayLike<number>, q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = Float64Array.from(values).sort();
  const rank = Math.min(Math.max(q, 0), 1) * (sorted.length - 1);
  const lower = Math.floor(rank);
  const upper = Math.ceil(rank);
  const low = sorted[lower]!;
  return low + (sorted[upper]! - low) * (rank - lower);
}

/** Median of `values` (NaN when empty; the mean of the two middle values for an even count). */
export function median(values: ArrayLike<number>): number {
  return quantile(values, 0.5);
}
