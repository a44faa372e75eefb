/**
 * Statistics of the ordinary clients' echo round trips in the slow-consumer run (issue 8): the
 * p99 the verdict compares (of every round's samples pooled), its timeline per window and the
 * share of samples over a bound for the notes, and the median (shared with the benchmark,
 * `@ackwire/test-utils`).
 */
import { nearestRank } from '@ackwire/test-utils';
import type { RoundTrips } from './slow-consumers-worker.js';

export { median } from '@ackwire/test-utils';

/** The 99th percentile: the sample below which 99 % of them lie. */
export function p99(samples: readonly number[]): number {
  return nearestRank(samples, 0.99);
}

/** The median sample. */
export function p50(samples: readonly number[]): number {
  return nearestRank(samples, 0.5);
}

/** Every sample of several measurements, in one list. */
export function pooled(trips: readonly RoundTrips[]): number[] {
  return trips.flatMap((t) => t.samples);
}

/** Share of the samples above `bound`, in percent. */
export function percentOver(samples: readonly number[], bound: number): number {
  if (samples.length === 0) return Number.NaN;
  let n = 0;
  for (const x of samples) if (x > bound) n++;
  return (100 * n) / samples.length;
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
