/**
 * Client worker commands. The load loops live here once for every system: the windowed
 * acknowledged-send loop, delivery counting for fan-out, and reconnect tracking for the storm.
 */
import { quantile } from '../stats.js';
import { BENCH_TOPIC, type BenchSystem, type SystemConnection } from '../systems/types.js';
import { wallNow } from '../worker-protocol.js';
import { sleep, waitFor, type Commands } from './commands.js';

/** Arguments of `open`: how many connections, to where, subscribed or not. */
export interface OpenArgs {
  url: string;
  count: number;
  /** Subscribe every connection to the bench topic. */
  subscribe: boolean;
  /** Connections opened at once (a bounded ramp, not a SYN flood). */
  concurrency: number;
  timeoutMs: number;
}

/** Arguments of `ackRun`: one measured run of acknowledged sends on the first connection. */
export interface AckRunArgs {
  /** Payload size in bytes. */
  size: number;
  /** Most sends awaiting their receipt at once (1 = strictly one at a time). */
  window: number;
  /** Stop after this many sends... */
  count: number;
  /** ...or after this long, whichever comes first (in-flight sends still complete). */
  maxMs: number;
  /** Which opened connection sends (0 = the first one). */
  connection?: number;
}

/** One run's outcome, computed in the worker so only numbers cross the IPC channel. */
export interface AckRunResult {
  completed: number;
  elapsedMs: number;
  /** Messages per second. */
  rate: number;
  p50Ms: number;
  p99Ms: number;
  /** CPU time of this client process for the run, in microseconds. */
  cpuUs: number;
}

/** What the storm reports: every socket attempt since `armStorm` and the last ready time. */
export interface StormResult {
  attempts: number[];
  ready: number;
  lastReadyAt: number;
}

function cpuNow(): number {
  const usage = process.cpuUsage();
  return usage.user + usage.system;
}

/** Sends `count` messages (or for `maxMs`) keeping at most `window` awaiting receipts. */
export function runWindowed(connection: SystemConnection, args: AckRunArgs): Promise<AckRunResult> {
  const data = 'x'.repeat(args.size);
  const rtts = new Float64Array(args.count);
  const cpuStart = cpuNow();
  const start = performance.now();
  const stopAt = start + args.maxMs;
  let launched = 0;
  let completed = 0;
  let inFlight = 0;
  return new Promise((resolve, reject) => {
    const finish = (): void => {
      const elapsedMs = performance.now() - start;
      const samples = rtts.subarray(0, completed);
      resolve({
        completed,
        elapsedMs,
        rate: (completed / elapsedMs) * 1000,
        p50Ms: quantile(samples, 0.5),
        p99Ms: quantile(samples, 0.99),
        cpuUs: cpuNow() - cpuStart,
      });
    };
    const launch = (): void => {
      while (inFlight < args.window && launched < args.count && performance.now() < stopAt) {
        const sentAt = performance.now();
        launched++;
        inFlight++;
        connection.send(data).then(() => {
          rtts[completed++] = performance.now() - sentAt;
          inFlight--;
          if (inFlight === 0 && (launched === args.count || performance.now() >= stopAt)) finish();
          else launch();
        }, reject);
      }
    };
    launch();
  });
}

/** Commands of a client worker for `system`. */
export function clientCommands(system: BenchSystem): Commands {
  const connections: SystemConnection[] = [];
  let delivered = 0;
  let deliveryTarget = Number.POSITIVE_INFINITY;
  let firstDeliveryAt = 0;
  let lastDeliveryAt = 0;
  let stormTarget = 0;
  let storm = { armed: false, attempts: [] as number[], ready: new Set<number>(), lastReadyAt: 0 };

  const onDelivery = (): void => {
    if (delivered === 0) firstDeliveryAt = wallNow();
    delivered++;
    if (delivered === deliveryTarget) lastDeliveryAt = wallNow();
  };
  const onAttempt = (): void => {
    if (storm.armed) storm.attempts.push(wallNow());
  };
  // A connection counts once, however many times it reconnects while the storm is measured.
  const onReady = (index: number): void => {
    if (!storm.armed || storm.ready.has(index)) return;
    storm.ready.add(index);
    if (storm.ready.size === stormTarget) storm.lastReadyAt = wallNow();
  };

  return {
    open: async (args: OpenArgs) => {
      const started = wallNow();
      let next = 0;
      const opener = async (): Promise<void> => {
        while (next < args.count) {
          const index = next++;
          connections.push(
            await system.connect({
              url: args.url,
              onAttempt,
              onReady: () => onReady(index),
              ...(args.subscribe ? { topic: BENCH_TOPIC, onDelivery } : {}),
            }),
          );
        }
      };
      const openers = Array.from({ length: Math.min(args.concurrency, args.count) }, opener);
      await Promise.race([
        Promise.all(openers),
        sleep(args.timeoutMs).then(() => {
          throw new Error(`opened ${connections.length} of ${args.count} in ${args.timeoutMs} ms`);
        }),
      ]);
      return { opened: connections.length, ms: wallNow() - started };
    },
    ackRun: (args: AckRunArgs) => {
      const connection = connections[args.connection ?? 0];
      if (!connection) throw new Error(`ackRun: no connection ${args.connection ?? 0}`);
      return runWindowed(connection, args);
    },
    expectDeliveries: ({ count }: { count: number }) => {
      delivered = 0;
      firstDeliveryAt = 0;
      lastDeliveryAt = 0;
      deliveryTarget = count;
      return true;
    },
    awaitDeliveries: async ({ timeoutMs }: { timeoutMs: number }) => {
      await waitFor(
        `${deliveryTarget} deliveries (have ${delivered})`,
        () => delivered >= deliveryTarget,
        timeoutMs,
        5,
      );
      return { delivered, firstDeliveryAt, lastDeliveryAt };
    },
    armStorm: () => {
      stormTarget = connections.length;
      storm = { armed: true, attempts: [], ready: new Set(), lastReadyAt: 0 };
      return true;
    },
    awaitStorm: async ({ timeoutMs }: { timeoutMs: number }) => {
      await waitFor(
        `${stormTarget} clients ready`,
        () => storm.ready.size >= stormTarget,
        timeoutMs,
        10,
      ).catch(() => undefined);
      const result: StormResult = {
        attempts: storm.attempts,
        ready: storm.ready.size,
        lastReadyAt: storm.lastReadyAt,
      };
      storm.armed = false;
      return result;
    },
    closeAll: async () => {
      await Promise.all(connections.splice(0).map((connection) => connection.close()));
      return true;
    },
    shutdown: async () => {
      await Promise.all(connections.splice(0).map((connection) => connection.close()));
    },
  };
}
