/** A deterministic clock for unit tests: time moves only when the test says so. */
import type { Clock } from '../src/clock.js';

interface Pending {
  at: number;
  seq: number;
  fn: () => void;
}

export class FakeClock implements Clock {
  time = 1_000_000;
  private pending = new Map<number, Pending>();
  private seq = 0;
  /** When set, timers fire no more often than this (a throttled background tab). */
  throttleMs = 0;

  now = (): number => this.time;

  setTimeout = (fn: () => void, ms: number): number => {
    const id = ++this.seq;
    this.pending.set(id, { at: this.time + Math.max(0, ms), seq: id, fn });
    return id;
  };

  clearTimeout = (handle: unknown): void => {
    this.pending.delete(handle as number);
  };

  get timerCount(): number {
    return this.pending.size;
  }

  /** Advances time by `ms`, firing due timers in order (a fired timer may schedule more). */
  advance(ms: number): void {
    const end = this.time + ms;
    for (;;) {
      let next: [number, Pending] | undefined;
      for (const entry of this.pending) {
        if (
          !next ||
          entry[1].at < next[1].at ||
          (entry[1].at === next[1].at && entry[1].seq < next[1].seq)
        )
          next = entry;
      }
      if (!next) break;
      let at = next[1].at;
      if (this.throttleMs > 0) at = Math.ceil(at / this.throttleMs) * this.throttleMs;
      if (at > end) break;
      this.time = Math.max(this.time, at);
      this.pending.delete(next[0]);
      next[1].fn();
    }
    this.time = end;
  }
}

/** A seeded uniform random source (mulberry32). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
