/**
 * The reconnect storm, full size (2,000 clients, about 10 s). Until commit df4d6ea the client
 * drew its first retry after a crash from [0, 500 ms): about 20 % of all attempts in one 100 ms
 * window. It now draws from [0, backoffBaseMs = 4 s); this test keeps it that way.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { RunnerResult } from '../src/runner.js';
import { peakWindowShare, runStorm } from '../src/storm.js';

describe('storm after kill -9', () => {
  let result: RunnerResult;
  beforeAll(async () => {
    result = await runStorm(7, { recoveryTimeoutMs: 40_000 });
  }, 90_000);

  it('brings every client back with exactly one connection and one subscription per topic', () => {
    expect(result.summary).toMatch(/^2000\/2000 clients open and resubscribed/);
    expect(result.summary).toContain(
      '2000 connections, 2000 client ids (0 doubled), 4000/4000 subscriptions',
    );
  });

  it('spreads the scheduled reconnect attempts: no 100 ms window over 5 %', () => {
    const peak = Number(/scheduled \(.*?\), peak ([\d.]+)%/.exec(result.summary)?.[1]);
    expect(peak).toBeLessThanOrEqual(5);
  });
});

describe('peak window share', () => {
  it('is the largest share of times inside any window', () => {
    expect(peakWindowShare([], 100)).toBe(0);
    expect(peakWindowShare([0, 50, 99, 100, 300], 100)).toBe(3 / 5);
    expect(peakWindowShare([500, 0, 1000, 1001], 100)).toBe(2 / 4);
  });
});
