/**
 * Small statistics helpers for the benchmark: order statistics over repetitions and latency
 * samples, and the "largest share of attempts in any window" measure of issue 7's reconnect storm.
 * Pure functions with no clock, so they are unit-tested exactly. The order statistics live in
 * `@ackwire/test-utils`, shared with the chaos suite.
 */
import { median } from '@ackwire/test-utils';

/** What the report keeps for one system in one scenario: the spread over repetitions. */
export interface Summary {
  median: number;
  min: number;
  max: number;
  unit: string;
}

export { median, peakWindowShare, quantile } from '@ackwire/test-utils';

/** Median, min and max of repeated measurements of one quantity, tagged with its unit. */
export function summarize(samples: readonly number[], unit: string): Summary {
  const finite = samples.filter((v) => Number.isFinite(v));
  if (finite.length === 0) return { median: Number.NaN, min: Number.NaN, max: Number.NaN, unit };
  return { median: median(finite), min: Math.min(...finite), max: Math.max(...finite), unit };
}

/** Rounds for display: 3 significant digits, whole numbers kept whole. */
export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return 'n/a';
  const abs = Math.abs(value);
  if (abs >= 100) return Math.round(value).toLocaleString('en-US');
  return Number(value.toPrecision(3)).toString();
}
