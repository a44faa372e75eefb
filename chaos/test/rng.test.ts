import { describe, expect, it } from 'vitest';
import { announceSeed, createRng, resolveSeed } from '../src/rng.js';

describe('rng: replay', () => {
  it('yields the same sequence for the same seed', () => {
    const a = createRng(12345);
    const b = createRng(12345);
    const seqA = Array.from({ length: 50 }, () => a.next());
    const seqB = Array.from({ length: 50 }, () => b.next());
    expect(seqA).toEqual(seqB);
  });

  it('yields different sequences for neighbouring seeds', () => {
    const a = createRng(1);
    const b = createRng(2);
    expect(a.next()).not.toBe(b.next());
  });

  it('forks independent, reproducible streams', () => {
    const f1 = createRng(9).fork(3);
    const f2 = createRng(9).fork(3);
    const other = createRng(9).fork(4);
    expect(f1.next()).toBe(f2.next());
    expect(createRng(9).fork(3).next()).not.toBe(other.next());
  });
});

describe('rng: ranges', () => {
  it('keeps every helper inside its range', () => {
    const rng = createRng(7);
    for (let i = 0; i < 10_000; i++) {
      const x = rng.next();
      expect(x >= 0 && x < 1).toBe(true);
      const n = rng.int(10);
      expect(Number.isInteger(n) && n >= 0 && n < 10).toBe(true);
      const r = rng.range(-3, 3);
      expect(r >= -3 && r <= 3).toBe(true);
    }
    expect(rng.int(0)).toBe(0);
    expect(rng.bytes(7)).toHaveLength(7);
    expect(['a', 'b']).toContain(rng.pick(['a', 'b']));
    expect(() => rng.pick([])).toThrow(RangeError);
  });

  it('spreads values roughly uniformly', () => {
    const rng = createRng(2024);
    const buckets = new Array<number>(10).fill(0);
    for (let i = 0; i < 100_000; i++) buckets[rng.int(10)]!++;
    for (const b of buckets) expect(Math.abs(b - 10_000)).toBeLessThan(600);
  });
});

describe('rng: seeds', () => {
  it('takes --seed first, then CHAOS_SEED, else a random one', () => {
    expect(resolveSeed(['node', 'x', '--seed=77'], { CHAOS_SEED: '5' })).toBe(77);
    expect(resolveSeed(['node', 'x'], { CHAOS_SEED: '5' })).toBe(5);
    const random = resolveSeed(['node', 'x'], {});
    expect(Number.isInteger(random) && random >= 0 && random <= 0xffffffff).toBe(true);
  });

  it('refuses a seed it cannot replay', () => {
    expect(() => resolveSeed(['--seed=abc'], {})).toThrow(RangeError);
    expect(() => resolveSeed([], { CHAOS_SEED: '-1' })).toThrow(RangeError);
  });

  it('prints the seed line every runner starts with', () => {
    const lines: string[] = [];
    announceSeed(12345, (l) => lines.push(l));
    expect(lines).toEqual(['chaos: seed=12345']);
  });
});
