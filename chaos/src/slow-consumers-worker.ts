/**
 * One process of the slow-consumer run (`slow-consumers.ts`): the ordinary clients that measure
 * round trips, the stalled readers with the proxy that stalls them, or the flooders. Each role
 * runs in its own process so the load never shares an event loop with the measurement, as it
 * would not in a deployment where the attackers are other machines.
 *
 * Configuration comes in `CHAOS_WORKER_CONFIG` (JSON, {@link SlowWorkerConfig}); the runner
 * drives it with the commands below over IPC.
 */
import { performance } from 'node:perf_hooks';
import { closeAll, newClient, sleep, waitUntil, type Watched } from './harness.js';
import { startProxy, type Proxy } from './proxy.js';
import { serveWorker, type WorkerCommands } from './worker-process.js';
import { processLoad, type ProcessLoad } from './process-load.js';
import { trace, traceGc, traceLoopStalls } from './trace.js';

/** What the runner tells a worker. */
export interface SlowWorkerConfig {
  role: 'ordinary' | 'stalled' | 'flooders';
  /** Port of the server process on 127.0.0.1. */
  serverPort: number;
  seed: number;
  count: number;
  /** Topic the stalled readers subscribe to. */
  topic: string;
}

/** Round trips measured by the ordinary clients: latency and start, both in ms. */
export interface RoundTrips {
  /** Round-trip times; a request that failed counts as its timeout. */
  samples: number[];
  /** When each round trip started, in ms since the measurement started. */
  startedAt: number[];
}

const ECHO_EVERY_MS = 50;
const ECHO_TIMEOUT_MS = 10_000;
const FLOOD_EVERY_MS = 10;
const FLOOD_PER_TICK = 20; // 2,000 messages/s per flooder: 10x the server's rate limit

const config = JSON.parse(process.env['CHAOS_WORKER_CONFIG'] ?? '{}') as SlowWorkerConfig;
const serverUrl = `ws://127.0.0.1:${config.serverPort}/rt`;
const cidPrefix = `chaos-${config.role === 'flooders' ? 'flooder' : config.role}-${config.seed}-`;
const clients: Watched[] = [];
let proxy: Proxy | undefined;
let flooding: NodeJS.Timeout | undefined;
const load = processLoad();
traceLoopStalls(config.role);
traceGc(config.role);

/** Echo requests, one at a time per client, every 50 ms, until `ms` have passed. */
async function measure(ms: number): Promise<RoundTrips> {
  const samples: number[] = [];
  const startedAt: number[] = [];
  const start = performance.now();
  const until = start + ms;
  await Promise.all(
    clients.map(async (c, i) => {
      await sleep((i * ECHO_EVERY_MS) / clients.length);
      while (performance.now() < until) {
        const t0 = performance.now();
        try {
          await c.client.request('echo', { t: t0 }, { timeoutMs: ECHO_TIMEOUT_MS });
          const rtt = performance.now() - t0;
          samples.push(rtt);
          if (rtt > 2) trace(config.role, `rtt ${rtt.toFixed(1)}`, performance.timeOrigin + t0);
        } catch {
          samples.push(ECHO_TIMEOUT_MS);
        }
        startedAt.push(t0 - start);
        await sleep(ECHO_EVERY_MS);
      }
    }),
  );
  return { samples, startedAt };
}

async function open(): Promise<number> {
  if (config.role === 'stalled') {
    proxy = await startProxy({
      upstream: { host: '127.0.0.1', port: config.serverPort },
      seed: config.seed,
    });
    for (let i = 0; i < config.count; i++) {
      clients.push(
        newClient(proxy.url('/rt'), `${cidPrefix}${i}`, [config.topic], {
          connectTimeoutMs: 60_000,
        }),
      );
    }
    await waitUntil(() => clients.every((c) => c.subscribedOnce()), 30_000, 'stalled subscribed');
    return clients.length;
  }
  for (let i = 0; i < config.count; i++) clients.push(newClient(serverUrl, `${cidPrefix}${i}`, []));
  return connected(20_000);
}

function flood(on: boolean): void {
  clearInterval(flooding);
  flooding = undefined;
  if (!on) return;
  flooding = setInterval(() => {
    for (const f of clients) {
      if (f.client.state !== 'open') continue;
      for (let k = 0; k < FLOOD_PER_TICK; k++) {
        try {
          f.client.sendVolatile('echo', { flood: k });
        } catch {
          // CLOSED or backpressure: a flooder does not care.
        }
      }
    }
  }, FLOOD_EVERY_MS);
}

async function cleanup(): Promise<void> {
  flood(false);
  // The proxy first: a stalled client's close frame would wait behind the held link.
  await proxy?.close();
  proxy = undefined;
  await closeAll(clients);
  clients.length = 0;
}

/**
 * Waits until every client is connected: the flooders, after the server's cooldown (it keeps a
 * flooder away for 10 s after its 1008), so that their reconnects fall before a quiet phase and
 * not in it.
 */
async function connected(withinMs = 60_000): Promise<number> {
  await waitUntil(() => clients.every((c) => c.client.state === 'open'), withinMs, 'open');
  return clients.length;
}

const commands = {
  open,
  connected: () => connected(),
  /** Stops the stalled readers' network: the proxy holds every byte from the server. */
  stall: () => proxy?.setMode('blackhole', { direction: 'down', blackhole: 'hold' }),
  flood: ({ on }: { on: boolean }) => flood(on),
  measure: ({ ms }: { ms: number }) => measure(ms),
  /** This process's CPU time and event-loop delay since the last call. */
  load: (): ProcessLoad => load.take(),
  close: cleanup,
} satisfies WorkerCommands;

serveWorker(commands, cleanup);
