/**
 * Runner: slow consumers and flooders (issue 8). The server process publishes 16 KiB events at up to
 * 200 per second on a busy topic. 100 subscribers of that topic stop reading (their proxy holds
 * every byte from the server: the app is alive, the network is not) and 10 clients flood the
 * server with volatile messages at ten times its rate limit, for 30 s, while 20 ordinary clients
 * measure echo round trips. The same ordinary clients measure a quiet run first.
 * Passes when the server's RSS rises less than 100 MB, every stalled reader is closed (1013),
 * every flooder is limited (RATE_LIMITED, then 1008), and the ordinary clients' p99 stays within
 * 20 % of the quiet run's.
 * Alone: `pnpm -C chaos run slow-consumers [--seed=N] [--seconds=N] [--stalled=N] [--flooders=N] [--hard-limit=BYTES]`.
 */
import { closeAll, newClient, sleep, waitUntil, type Watched } from './harness.js';
import { startProxy, type Proxy } from './proxy.js';
import { isMain, runAll, type RunnerResult } from './runner.js';
import type { ChildStats } from './server-ipc.js';
import { ServerProcess } from './server-child.js';

/** Sizes of the run. */
export interface SlowConsumerOptions {
  stalled?: number;
  flooders?: number;
  ordinary?: number;
  /** Length of the loaded phase. */
  seconds?: number;
  /** Length of the quiet phase. */
  quietSeconds?: number;
  /** The server's `sendHardLimit`, to try other settings. @default the server's default */
  hardLimit?: number;
}

const BUSY_TOPIC = 'busy';
const EVENT_BYTES = 16_384;
const EVENTS_PER_TICK = 4; // every 20 ms: up to 200 events/s, 3.2 MB/s per subscriber
const FLOOD_PER_TICK = 20; // every 10 ms: 2,000 messages/s per flooder, 10x the rate limit
const ECHO_EVERY_MS = 50;

function p99(samples: number[]): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(0.99 * sorted.length))] ?? Number.NaN;
}

/** Round trips of `clients` (echo requests, one at a time each) until `stop()` is true. */
async function measure(clients: readonly Watched[], stop: () => boolean): Promise<number[]> {
  const samples: number[] = [];
  await Promise.all(
    clients.map(async (c, i) => {
      await sleep((i * ECHO_EVERY_MS) / clients.length);
      while (!stop()) {
        const t0 = performance.now();
        try {
          await c.client.request('echo', { t: t0 }, { timeoutMs: 10_000 });
          samples.push(performance.now() - t0);
        } catch {
          samples.push(10_000);
        }
        await sleep(ECHO_EVERY_MS);
      }
    }),
  );
  return samples;
}

/** Runs the slow-consumer scenario and reports one line. */
export async function runSlowConsumers(
  seed: number,
  options: SlowConsumerOptions = {},
): Promise<RunnerResult> {
  const stalledCount = options.stalled ?? 100;
  const flooderCount = options.flooders ?? 10;
  const ordinaryCount = options.ordinary ?? 20;
  const seconds = options.seconds ?? 30;
  const quietSeconds = options.quietSeconds ?? 10;
  const server = await ServerProcess.start({
    port: 0,
    options: {
      maxConnectionsPerIp: 1000,
      ...(options.hardLimit !== undefined && { sendHardLimit: options.hardLimit }),
    },
  });
  const proxies: Proxy[] = [];
  const proxy = async (): Promise<Proxy> => {
    const p = await startProxy({ upstream: { host: '127.0.0.1', port: server.port }, seed });
    proxies.push(p);
    return p;
  };
  const clients: Watched[] = [];
  let publishing = true;
  const publisher = (async () => {
    let seq = 0;
    while (publishing) {
      const seqs = Array.from({ length: EVENTS_PER_TICK }, () => seq++);
      await server
        .call({ cmd: 'publish', topic: BUSY_TOPIC, seqs, padBytes: EVENT_BYTES })
        .catch(() => undefined);
      await sleep(20);
    }
  })();
  try {
    const plain = await proxy();
    const ordinary = Array.from({ length: ordinaryCount }, (_, i) =>
      newClient(plain.url('/rt'), `chaos-ordinary-${seed}-${i}`, []),
    );
    clients.push(...ordinary);
    await waitUntil(() => ordinary.every((c) => c.client.state === 'open'), 20_000, 'open');
    await sleep(1000); // warm-up
    await server.call({ cmd: 'gc' });
    const baseline = await server.call<ChildStats>({ cmd: 'stats' });

    let quietUntil = Date.now() + quietSeconds * 1000;
    const quiet = await measure(ordinary, () => Date.now() > quietUntil);

    // The load: stalled readers, subscribed first, then cut off by a proxy that holds every
    // byte from the server (and does the same to their later connections).
    const stalledProxy = await proxy();
    const stalled = Array.from({ length: stalledCount }, (_, i) =>
      newClient(stalledProxy.url('/rt'), `chaos-stalled-${seed}-${i}`, [BUSY_TOPIC], {
        connectTimeoutMs: 60_000,
      }),
    );
    clients.push(...stalled);
    await waitUntil(() => stalled.every((c) => c.subscribedOnce()), 30_000, 'stalled subscribed');
    stalledProxy.setMode('blackhole', { direction: 'down', blackhole: 'hold' });
    const flooders = Array.from({ length: flooderCount }, (_, i) =>
      newClient(plain.url('/rt'), `chaos-flooder-${seed}-${i}`, []),
    );
    clients.push(...flooders);
    const loadStart = Date.now();
    const loadUntil = loadStart + seconds * 1000;
    const flooding = setInterval(() => {
      for (const f of flooders) {
        if (f.client.state !== 'open') continue;
        for (let k = 0; k < FLOOD_PER_TICK; k++) {
          try {
            f.client.sendVolatile('echo', { flood: k });
          } catch {
            // CLOSED or backpressure: a flooder does not care.
          }
        }
      }
    }, 10);
    let peakRss = baseline.rss;
    const sampling = setInterval(() => {
      void server
        .call<ChildStats>({ cmd: 'stats' })
        .then((s) => (peakRss = Math.max(peakRss, s.rss)))
        .catch(() => undefined);
    }, 500);
    const loaded = await measure(ordinary, () => Date.now() > loadUntil);
    clearInterval(flooding);
    clearInterval(sampling);
    const after = await server.call<ChildStats>({ cmd: 'stats' });
    peakRss = Math.max(peakRss, after.rss);
    const closed = await server.call<Record<string, string[]>>({ cmd: 'closed-cids' });
    const stalledClosed = new Set(
      (closed['1013'] ?? []).filter((cid) => cid.startsWith('chaos-stalled-')),
    ).size;
    const floodersClosed = new Set(
      (closed['1008'] ?? []).filter((cid) => cid.startsWith('chaos-flooder-')),
    ).size;
    const ordinaryClosed = Object.values(closed)
      .flat()
      .filter((cid) => cid.startsWith('chaos-ordinary-')).length;
    const riseMb = (peakRss - baseline.rss) / 1024 / 1024;
    const quietP99 = p99(quiet);
    const loadedP99 = p99(loaded);
    const ratio = loadedP99 / quietP99;
    quietUntil = 0;
    const checks = {
      rss: riseMb < 100,
      stalled: stalledClosed === stalledCount,
      flooders: floodersClosed === flooderCount && after.server.rateLimited > 0,
      ordinary: ordinaryClosed === 0,
      p99: ratio <= 1.2,
    };
    const failed = Object.entries(checks)
      .filter(([, ok]) => !ok)
      .map(([name]) => name);
    return {
      name: 'slow-consumers',
      ok: failed.length === 0 && server.unexpectedExits === 0,
      summary:
        `${seconds} s, ${stalledCount} stalled readers, ${flooderCount} flooders: server RSS +${riseMb.toFixed(1)} MB` +
        ` (limit 100); stalled closed 1013 ${stalledClosed}/${stalledCount}; flooders closed 1008` +
        ` ${floodersClosed}/${flooderCount}, ${after.server.rateLimited} messages refused;` +
        ` ordinary p99 ${loadedP99.toFixed(1)} ms vs quiet ${quietP99.toFixed(1)} ms (x${ratio.toFixed(2)},` +
        ` limit x1.2; ${loaded.length} and ${quiet.length} round trips), ${ordinaryClosed} ordinary closes` +
        (failed.length > 0 ? `; failed: ${failed.join(', ')}` : ''),
      details: [`closes by code: ${JSON.stringify(after.closes)}`],
    };
  } finally {
    publishing = false;
    await publisher;
    await closeAll(clients);
    for (const p of proxies) await p.close();
    await server.stop();
  }
}

if (isMain(import.meta.url)) {
  const arg = (name: string): number | undefined => {
    const hit = process.argv.find((a) => a.startsWith(`--${name}=`));
    return hit === undefined ? undefined : Number(hit.slice(name.length + 3));
  };
  const options: SlowConsumerOptions = {};
  for (const key of ['seconds', 'stalled', 'flooders', 'hardLimit'] as const) {
    const value = arg(key === 'hardLimit' ? 'hard-limit' : key);
    if (value !== undefined) options[key] = value;
  }
  await runAll([(seed) => runSlowConsumers(seed, options)]);
}
