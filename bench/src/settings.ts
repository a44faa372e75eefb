/**
 * Run sizes of the two modes. `--quick` is a smoke run that must finish in under a minute on a
 * 2-core machine; the full run is what docs/benchmarks.md reports. Every count here is also a
 * bound: each scenario additionally has a hard time limit (`deadlineMs`).
 */

/** Sizes and limits of one bench run. */
export interface BenchSettings {
  /** Which of the two modes these are. */
  mode: 'quick' | 'full';
  /** Measured repetitions per system (the order of systems alternates between them). */
  repetitions: number;
  /** Unmeasured runs per system before the first measured one (JIT warm-up). */
  warmups: number;
  acks: {
    /** Payload sizes in bytes. */
    sizes: readonly number[];
    /** Windows: most sends awaiting receipts at once; 1 = strictly one at a time. */
    windows: readonly number[];
    /** Sends per measured run with a window > 1, and with window 1. */
    count: number;
    countOneAtATime: number;
    /** A measured run stops sending after this long, whatever the count. */
    maxMs: number;
    /**
     * The same measurement through a delay proxy (`delayMs` each way, so a round trip of twice
     * that), for the window sizes and payloads listed: loopback's ~30 µs round trip hides the
     * cost of one-at-a-time protocols. The CPU column is left out there (the proxy runs in the
     * server process).
     */
    delayed: {
      delayMs: number;
      sizes: readonly number[];
      windows: readonly number[];
      maxMs: number;
    };
  };
  fanout: { subscribers: number; messages: number; size: number };
  storm: {
    clients: number;
    /** Time between the old server's close and the new one's listen (a real restart is not instant). */
    downtimeMs: number;
    timeoutMs: number;
  };
  memory: { connections: number; repetitions: number };
  /** Hard time limit of each scenario, in milliseconds. */
  deadlineMs: Readonly<Record<string, number>>;
}

/** The full run (docs/benchmarks.md). */
export const FULL_SETTINGS: BenchSettings = Object.freeze({
  mode: 'full',
  repetitions: 5,
  warmups: 1,
  acks: {
    sizes: [64, 1024],
    windows: [100, 1],
    count: 20_000,
    countOneAtATime: 3_000,
    maxMs: 5_000,
    delayed: { delayMs: 1, sizes: [64], windows: [100], maxMs: 2_000 },
  },
  fanout: { subscribers: 1_000, messages: 200, size: 64 },
  storm: { clients: 1_000, downtimeMs: 1_000, timeoutMs: 60_000 },
  memory: { connections: 5_000, repetitions: 3 },
  deadlineMs: {
    acks: 15 * 60_000,
    fanout: 5 * 60_000,
    codec: 5 * 60_000,
    storm: 10 * 60_000,
    memory: 10 * 60_000,
    bundle: 2 * 60_000,
  },
});

/** `--quick`: every scenario once, small counts; under a minute in total. */
export const QUICK_SETTINGS: BenchSettings = Object.freeze({
  mode: 'quick',
  repetitions: 1,
  warmups: 1,
  acks: {
    sizes: [64, 1024],
    windows: [100, 1],
    count: 1_500,
    countOneAtATime: 200,
    maxMs: 700,
    delayed: { delayMs: 1, sizes: [64], windows: [100], maxMs: 300 },
  },
  fanout: { subscribers: 200, messages: 20, size: 64 },
  storm: { clients: 200, downtimeMs: 300, timeoutMs: 15_000 },
  memory: { connections: 500, repetitions: 1 },
  deadlineMs: {
    acks: 40_000,
    fanout: 25_000,
    codec: 20_000,
    storm: 30_000,
    memory: 20_000,
    bundle: 20_000,
  },
});
