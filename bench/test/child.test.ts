import { afterEach, describe, expect, it, vi } from 'vitest';
import { BenchWorker, withDeadline } from '../src/child.js';

describe('scenario deadlines', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('reject a scenario that overruns its hard time limit', async () => {
    vi.useFakeTimers();
    const run = withDeadline('acks', 90_000, () => new Promise<never>(() => undefined));
    const outcome = expect(run).rejects.toThrow('acks: hard time limit of 90 s reached');
    await vi.advanceTimersByTimeAsync(90_000);
    await outcome;
  });

  it('stop an overrun scenario from starting workers afterwards', async () => {
    vi.useFakeTimers();
    let late: Promise<unknown> | undefined;
    const run = withDeadline('storm', 1_000, async () => {
      await new Promise((resolve) => setTimeout(resolve, 5_000));
      late = BenchWorker.start('server', 'ws-raw');
      return late;
    });
    const outcome = expect(run).rejects.toThrow(/hard time limit/);
    await vi.advanceTimersByTimeAsync(5_000);
    await outcome;
    await expect(late).rejects.toThrow('server:ws-raw: scenario past its deadline');
  });

  it('pass through the result of a scenario that finishes in time', async () => {
    await expect(withDeadline('bundle', 60_000, async () => 'done')).resolves.toBe('done');
  });
});
