import { describe, expect, it } from 'vitest';
import { formatNumber, median, peakWindowShare, quantile, summarize } from '../src/stats.js';

describe('quantiles', () => {
  it('interpolates between closest ranks like NumPy', () => {
    expect(quantile([1, 2, 3, 4], 0.5)).toBe(2.5);
    expect(quantile([10, 0, 5], 0)).toBe(0);
    expect(quantile([10, 0, 5], 1)).toBe(10);
    expect(quantile([0, 10], 0.99)).toBeCloseTo(9.9);
  });

  it('gives NaN for no samples so a missing run never reads as zero', () => {
    expect(median([])).toBeNaN();
  });
});

describe('summaries over repetitions', () => {
  it('reports median, min and max with the unit', () => {
    expect(summarize([3, 1, 2], 'ms')).toEqual({ median: 2, min: 1, max: 3, unit: 'ms' });
  });

  it('ignores runs that produced no number', () => {
    expect(summarize([Number.NaN, 4], 'ms')).toEqual({ median: 4, min: 4, max: 4, unit: 'ms' });
    expect(summarize([Number.NaN], 'ms').median).toBeNaN();
  });
});

describe('the largest share of attempts in any window', () => {
  it('is 0 without attempts', () => {
    expect(peakWindowShare([], 100)).toBe(0);
  });

  it('finds a burst that fixed buckets would split in two', () => {
    // 90..110 straddles the 100 ms bucket edge; a sliding window sees all four together.
    expect(peakWindowShare([0, 90, 95, 105, 110, 400, 800, 1200], 100)).toBe(4 / 8);
  });

  it('treats the window as half-open', () => {
    expect(peakWindowShare([0, 100], 100)).toBe(0.5);
    expect(peakWindowShare([0, 99.9], 100)).toBe(1);
  });

  it('is 1/n for evenly spread attempts wider apart than the window', () => {
    const times = Array.from({ length: 20 }, (_, i) => i * 150);
    expect(peakWindowShare(times, 100)).toBe(1 / 20);
  });
});

describe('number formatting', () => {
  it('keeps three significant digits and groups thousands', () => {
    expect(formatNumber(12345.6)).toBe('12,346');
    expect(formatNumber(0.012345)).toBe('0.0123');
    expect(formatNumber(Number.NaN)).toBe('n/a');
  });
});
