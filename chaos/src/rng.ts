/**
 * The seeded random number generator behind every random choice of the chaos suite (fault
 * picks, latency jitter, frame mutations), so a failing run replays from its printed seed.
 * xoshiro128** (Blackman and Vigna) with splitmix32 seeding: fast, 32-bit state words that
 * JavaScript handles exactly, and good enough statistics for fault injection.
 */

/** A deterministic source of randomness; the same seed always yields the same sequence. */
export interface Rng {
  /** The 32-bit seed this generator started from. */
  readonly seed: number;
  /** Next value in [0, 1). */
  next(): number;
  /** Next integer in [0, maxExclusive); 0 when `maxExclusive` is below 1. */
  int(maxExclusive: number): number;
  /** Next integer in [min, max], both inclusive. */
  range(min: number, max: number): number;
  /** True with probability `p`. */
  chance(p: number): boolean;
  /** One element of a non-empty array, chosen uniformly. */
  pick<T>(items: readonly T[]): T;
  /** `length` random bytes. */
  bytes(length: number): Uint8Array;
  /** An independent generator derived from this one's seed and `salt` (e.g. a connection id). */
  fork(salt: number): Rng;
}

/** splitmix32: spreads a 32-bit seed over the four state words so close seeds diverge at once. */
function splitmix32(state: number): () => number {
  let s = state >>> 0;
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}

/** Creates a generator from a seed (any integer; only its low 32 bits count). */
export function createRng(seed: number): Rng {
  const normalized = seed >>> 0;
  const init = splitmix32(normalized);
  let a = init();
  let b = init();
  let c = init();
  let d = init();
  // An all-zero state would only ever produce zeros; splitmix32 makes it vanishingly rare.
  if ((a | b | c | d) === 0) a = 1;

  const nextUint32 = (): number => {
    const result = Math.imul(rotl(Math.imul(b, 5) >>> 0, 7), 9) >>> 0;
    const t = (b << 9) >>> 0;
    c ^= a;
    d ^= b;
    b ^= c;
    a ^= d;
    c ^= t;
    d = rotl(d, 11);
    return result;
  };

  const rng: Rng = {
    seed: normalized,
    next: () => nextUint32() / 0x1_0000_0000,
    int: (maxExclusive) => (maxExclusive < 1 ? 0 : Math.floor(rng.next() * maxExclusive)),
    range: (min, max) => min + rng.int(max - min + 1),
    chance: (p) => rng.next() < p,
    pick: <T>(items: readonly T[]): T => {
      if (items.length === 0) throw new RangeError('rng.pick: expected a non-empty array');
      return items[rng.int(items.length)] as T;
    },
    bytes: (length) => {
      const out = new Uint8Array(length);
      for (let i = 0; i < length; i += 4) {
        let word = nextUint32();
        for (let j = i; j < Math.min(i + 4, length); j++) {
          out[j] = word & 0xff;
          word >>>= 8;
        }
      }
      return out;
    },
    fork: (salt) => createRng((Math.imul(normalized ^ 0x5bd1e995, 31) + (salt >>> 0)) >>> 0),
  };
  return rng;
}

/**
 * The seed of a run: `--seed=N` on the command line, else the `CHAOS_SEED` environment
 * variable, else a fresh random one. Invalid values throw rather than silently picking a new
 * seed, because a replay that does not replay is worse than none.
 */
export function resolveSeed(
  argv: readonly string[] = process.argv,
  env: NodeJS.ProcessEnv = process.env,
): number {
  const arg = argv.find((a) => a.startsWith('--seed='))?.slice('--seed='.length);
  const raw = arg ?? env['CHAOS_SEED'];
  if (raw === undefined || raw === '') return Math.floor(Math.random() * 0x1_0000_0000) >>> 0;
  const seed = Number(raw);
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffff_ffff) {
    throw new RangeError(`chaos seed: expected an integer from 0 to 4294967295, got ${raw}`);
  }
  return seed;
}

/** Prints the line every runner starts with, so any failure can be replayed. */
export function announceSeed(seed: number, log: (line: string) => void = console.log): void {
  log(`chaos: seed=${seed}`);
}
