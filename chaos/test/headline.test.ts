import { describe, expect, it } from 'vitest';
import { HEADLINE_SHORT, runHeadline } from '../src/headline.js';

describe('headline run (short, seeded)', () => {
  it('loses, doubles and reorders nothing through 20 faults and 2 kill -9 restarts, and reports every restart gap', async () => {
    const result = await runHeadline(20_260_101, HEADLINE_SHORT);
    expect(result.ok, [result.summary, ...(result.details ?? [])].join('\n')).toBe(true);
    expect(result.summary).toMatch(
      /^lost=0 duplicated=0 reordered=0 unsettled=0 silent_gaps=0 \| 1000 messages \(1000 processed\)/,
    );
    expect(result.summary).toContain('kill9=2');
  }, 90_000);
});
