/**
 * Small statistics helpers for the benchmark: order statistics over repetitions and latency
 * samples, and the "largest share of attempts in any window" measure of issue 7's reconnect storm.
 * Pure functions with no clock, so they are unit-tested exactly.
 */

/** What the report keeps for one system in one scenario: the spread over repetitions. */
export interface Summary {
  median: number;
  min: number;
  max: number;
  unit: string;
}

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

/** Median of `values` (NaN when empty). */
export function median(values: ArrayLike<number>): number {
  return quantile(values, 0.5);
}

/** Median, min and max of repeated measurements of one quantity, tagged with its unit. */
export function summarize(samples: readonly number[], unit: string): Summary {
  const finite = samples.filter((v) => Number.isFinite(v));
  if (finite.length === 0) return { median: Number.NaN, min: Number.NaN, max: Number.NaN, unit };
  return { median: median(finite), min: Math.min(...finite), max: Math.max(...finite), unit };
}

export { peakWindowShare } from '@ackwire/test-utils';

/** Rounds for display: 3 significant digits, whole numbers kept whole. */
export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return 'n/a';
  const abs = Math.abs(value);
  if (abs >= 100) return Math.round(value).toLocaleString('en-US');
  return Number(value.toPrecision(3)).toString();
}
