/**
 * Client finding of the chaos storm (docs/reliability.md, "Findings"): after a crash of the
 * server (close 1006, no goaway) every client draws its first retry from [0, backoffBaseMs),
 * 500 ms by default, so a fleet reconnects in half a second: about 20 % of all attempts in one
 * 100 ms window against issue 8's limit of 5 %. The fix belongs in packages/client
 * (backoff.ts / close-policy.ts: spread the first retry after losing an open session over at
 * least 2 s). `it.fails` keeps the suite green while the bug stands; when the client is fixed
 * this test fails, and `.fails` should go.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { RunnerResult } from '../src/runner.js';
import { runStorm } from '../src/storm.js';

describe('storm after kill -9 (client bug: first retry not spread)', () => {
  let result: RunnerResult;
  beforeAll(async () => {
    result = await runStorm(7, { clients: 200, recoveryTimeoutMs: 30_000 });
  }, 60_000);

  it('brings every client back with exactly one connection and one subscription per topic', () => {
    expect(result.summary).toMatch(/^200\/200 clients open and resubscribed/);
    expect(result.summary).toContain(
      '200 connections, 200 client ids (0 doubled), 400/400 subscriptions',
    );
  });

  it.fails(
    'keeps every 100 ms window under 5 % of reconnect attempts with the default backoff',
    () => {
      const peak = Number(/peak ([\d.]+)%/.exec(result.summary)?.[1]);
      expect(peak).toBeLessThanOrEqual(5);
    },
  );
});
