import { describe, expect, it } from 'vitest';
import { INITIAL_READ_WINDOW, ReadWindow } from '../src/read-window.js';
import { StallWatch } from '../src/stall-watch.js';

/** A window of `size` bytes that records the probes it sends. */
function windowOf(size: number): { window: ReadWindow; probes: string[] } {
  const probes: string[] = [];
  return { window: new ReadWindow(size, (p) => probes.push(p)), probes };
}

const pong = (text: string): Buffer => Buffer.from(text, 'latin1');

describe('read window', () => {
  it('sends one probe carrying the bytes written once half the window is out', () => {
    const { window, probes } = windowOf(1000);
    window.wrote(499);
    expect(probes).toEqual([]);
    window.wrote(1);
    window.wrote(100);
    expect(probes).toEqual(['500']);
  });

  it('is full with a window of unconfirmed bytes, and opens when the probe is answered', () => {
    const { window } = windowOf(1000);
    window.wrote(600);
    window.wrote(400);
    expect(window.full).toBe(true);
    expect(window.pong(pong('600'))).toBe(true);
    expect(window.confirmed).toBe(600);
    expect(window.full).toBe(false);
  });

  it('probes again at once when half a window is still out after a pong', () => {
    const { window, probes } = windowOf(1000);
    window.wrote(500);
    window.wrote(600);
    window.pong(pong('500'));
    expect(probes).toEqual(['500', '1100']);
  });

  it('confirms nothing with a heartbeat pong, another count, or no probe out', () => {
    const { window } = windowOf(1000);
    expect(window.pong(pong('0'))).toBe(false);
    window.wrote(1000);
    expect(window.pong(Buffer.alloc(0))).toBe(false);
    expect(window.pong(pong('999999'))).toBe(false);
    expect(window.pong(pong('x'.repeat(100)))).toBe(false);
    expect(window.full).toBe(true);
    expect(window.confirmed).toBe(0);
  });

  it('starts at the initial window and doubles with each answered probe, up to its size', () => {
    const { window, probes } = windowOf(4 * INITIAL_READ_WINDOW);
    window.wrote(INITIAL_READ_WINDOW);
    expect(window.full).toBe(true);
    window.pong(pong(probes[0]!));
    window.wrote(INITIAL_READ_WINDOW);
    expect(window.full).toBe(false);
    window.wrote(INITIAL_READ_WINDOW);
    expect(window.full).toBe(true);
    for (const p of probes.slice(1)) window.pong(pong(p));
    while (probes.length < 6) {
      window.wrote(4 * INITIAL_READ_WINDOW);
      window.pong(pong(probes.at(-1)!));
    }
    window.wrote(4 * INITIAL_READ_WINDOW - 1);
    expect(window.full).toBe(false);
    window.wrote(1);
    expect(window.full).toBe(true);
  });

  it('is never full and never probes when turned off (0)', () => {
    const { window, probes } = windowOf(0);
    window.wrote(10_000_000);
    expect(window.full).toBe(false);
    expect(probes).toEqual([]);
  });
});

describe('stall watch', () => {
  const MARK = 1000;
  /** A read window's counts as the stall watch reads them. */
  const window = (written: number, confirmed: number, full: boolean) => ({
    written,
    confirmed,
    full,
  });

  it('counts a full read window as stalled though small writes still drain into the kernel', () => {
    const watch = new StallWatch(0, MARK);
    expect(watch.stalledFor(0, 0, window(5000, 0, true))).toBe(0);
    // 40 more bytes, the answer to a client heartbeat, drained at once
    expect(watch.stalledFor(500, 0, window(5040, 0, true))).toBe(500);
  });

  it('restarts the clock on a confirmation, or on bytes drained at the mark', () => {
    const watch = new StallWatch(0, MARK);
    watch.stalledFor(0, 0, window(5000, 0, true));
    expect(watch.stalledFor(500, 0, window(5000, 2500, true))).toBe(0);
    // 3000 more bytes, all of them still in the socket: at the mark, nothing drained
    expect(watch.stalledFor(900, 3000, window(8000, 2500, false))).toBe(400);
    expect(watch.stalledFor(1000, 2500, window(8000, 2500, false))).toBe(0);
  });

  it('is never stalled under the mark with the window open', () => {
    const watch = new StallWatch(0, MARK);
    expect(watch.stalledFor(10_000, MARK - 1, window(5000, 0, false))).toBe(0);
  });
});
