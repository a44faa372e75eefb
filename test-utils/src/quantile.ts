/**
 * Order statistics shared by the benchmark (`bench/`) and the chaos suite (`chaos/`): the
 * median of repetitions and rounds, and quantiles of latency samples (interpolated, or the
 * nearest sample). Pure, no clock.
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

/**
 * The sample below which a share `q` (0..1) of `values` lie: the sample at rank
 * floor(q * n) of the sorted list (nearest rank, no interpolation), so the result is always one
 * of the samples. The chaos suite states its p50 and p99 this way. NaN for an empty list.
 */
export function nearestRank(values: ArrayLike<number>, q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = Float64Array.from(values).sort();
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.floor(q * sorted.length)))]!;
}
