/**
 * The close queue (close-queue.ts): closes and terminations a few per turn of the event loop.
 * Unit tier: the next turn runs when the test says so. The real sockets' closes are covered by
 * every test that sees a close code (flow-control, heartbeat, security, close).
 */
import { describe, expect, it } from 'vitest';
import { CLOSES_PER_TURN, CloseQueue } from '../src/close-queue.js';

function setUp() {
  const turns: Array<() => void> = [];
  const queue = new CloseQueue((fn) => turns.push(fn));
  return { queue, turns };
}

describe('close queue', () => {
  it('runs at most CLOSES_PER_TURN jobs per turn, in order, and schedules one turn at a time', () => {
    const { queue, turns } = setUp();
    const ran: number[] = [];
    for (let i = 0; i < 20; i++) queue.push(() => ran.push(i));
    expect(ran).toEqual([]); // never in the caller's turn
    expect(turns).toHaveLength(1);
    turns.shift()!();
    expect(ran).toEqual(Array.from({ length: CLOSES_PER_TURN }, (_, i) => i));
    expect(turns).toHaveLength(1);
    while (turns.length > 0) turns.shift()!();
    expect(ran).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect(queue.pending).toBe(0);
  });

  it('keeps going when a job throws, and takes jobs pushed by a job', () => {
    const { queue, turns } = setUp();
    const ran: string[] = [];
    queue.push(() => {
      throw new Error('socket already gone');
    });
    queue.push(() => {
      ran.push('close');
      queue.push(() => ran.push('terminate'));
    });
    while (turns.length > 0) turns.shift()!();
    expect(ran).toEqual(['close', 'terminate']);
    expect(queue.pending).toBe(0);
  });
});
