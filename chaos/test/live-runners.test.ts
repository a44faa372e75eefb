import { describe, expect, it } from 'vitest';
import { runBadInput } from '../src/bad-input.js';
import { runDetection } from '../src/detection.js';

describe('runners against the live server (short, seeded)', () => {
  // The bounds get 50 % slack here instead of the run's 10 %: a busy CI machine fires timers
  // late, and this test is about detection happening, not about the machine's timer jitter.
  it('detects every blackholed link within its heartbeat bounds, on both sides', async () => {
    const result = await runDetection(11, 10, { slack: 0.5 });
    expect(result.ok, [result.summary, ...(result.details ?? [])].join('\n')).toBe(true);
    expect(result.summary).toMatch(/^10\/10 blackholes detected in bound;.* 10\/10 open again$/);
  }, 60_000);

  it('answers bad input with the spec codes, without a crash, an uncaught exception or prototype pollution', async () => {
    const result = await runBadInput(12, { codec: 2000, live: 1000 });
    expect(result.ok, [result.summary, ...(result.details ?? [])].join('\n')).toBe(true);
    expect(result.summary).toMatch(/^5007 inputs: 0 crashes, 0 uncaught exceptions, 0 keys added/);
  }, 60_000);
});
