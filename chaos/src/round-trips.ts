/**
 * Statistics of the ordinary clients' echo round trips in the slow-consumer run (issue 8): the
 * p99 the verdict compares, its timeline per window for the notes, and the median of the
 * rounds' ratios (shared with the benchmark, `@ackwire/test-utils`).
 */
import type { RoundTrips } from './slow-consumers-worker.js';

export { median } from '@ackwire/test-utils';

/** The 99th percentile: the sample below which 99 % of them lie. */
export function p99(samples: readonly number[]): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(0.99 * sorted.length))] ?? Number.NaN;
}

/** p99 of each `windowMs` window of a measurement, as `0-5 s 4.1 ms` items. */
export function timeline(trips: RoundTrips, windowMs: number): string {
  const windows = new Map<number, number[]>();
  trips.startedAt.forEach((at, i) => {
    const w = Math.floor(at / windowMs);
    const list = windows.get(w) ?? [];
    list.push(trips.samples[i]!);
    windows.set(w, list);
  });
  return [...windows.entries()]
    .sort(([a], [b]) => a - b)
    .map(([w, list]) => `${(w * windowMs) / 1000}s ${p99(list).toFixed(1)}`)
    .join(', ');
}
