/**
 * Runner: slow consumers and flooders (issue 8). The server process publishes 16 KiB events at up to
 * 200 per second on a busy topic. 100 subscribers of that topic stop reading (their proxy holds
 * every byte from the server: the app is alive, the network is not) and 10 clients flood the
 * server with volatile messages at ten times its rate limit, for 30 s, while 20 ordinary clients
 * measure echo round trips. The same ordinary clients measure a quiet run first; quiet and loaded
 * phases of the same length alternate `rounds` times (5).
 * Passes when the server's RSS rises less than 100 MB, every stalled reader is closed (1013) and
 * every flooder limited (RATE_LIMITED, then 1008) in every round, no ordinary client is closed,
 * and the p99 of the ordinary clients' round trips under load (every round's, pooled) stays
 * within 20 % of the p99 of their round trips in the quiet phases (pooled the same way).
 * `CHAOS_SAMPLES=<file>` writes every round trip of the run there (JSON) for a closer look.
 *
 * Process layout (docs/reliability.md, "Slow consumers: how the run is laid out"): the server,
 * the ordinary clients, the stalled readers with their proxy, and the flooders each run in their
 * own process, in the quiet phase as in the loaded one; this process only publishes and samples.
 * With `--nice` the two attacker processes run at nice 19, a stand-in for other machines.
 * Alone: `pnpm -C chaos run slow-consumers [--seed=N] [--seconds=N] [--quiet-seconds=N] [--warm-up=N]
 * [--stalled=N] [--flooders=N] [--hard-limit=BYTES] [--hwm=BYTES] [--stall-timeout=MS] [--read-window=BYTES] [--cooldown=MS] [--v8-pool-size=N] [--rounds=N] [--nice] [--cold-attack]`.
 */
import { writeFileSync } from 'node:fs';
import { sleep } from './harness.js';
import { median, p50, p99, percentOver, pooled, timeline } from './round-trips.js';
import { isMain, numberArg, runAll, type RunnerResult } from './runner.js';
import type { ChildStats } from './server-ipc.js';
import { ServerProcess } from './server-child.js';
import { describeLoads, runRound, type Processes, type Round } from './slow-consumers-round.js';
import type { RoundTrips, SlowWorkerConfig } from './slow-consumers-worker.js';
import { WorkerProcess } from './worker-process.js';

export { p99, pooled } from './round-trips.js';

/** Sizes of the run. */
export interface SlowConsumerOptions {
  stalled?: number;
  flooders?: number;
  ordinary?: number;
  /** Length of the loaded phase. */
  seconds?: number;
  /** Length of the quiet phase. @default the loaded phase's */
  quietSeconds?: number;
  /** Round trips measured and thrown away before the quiet phase. @default 20 */
  warmUpSeconds?: number;
  /** The server's `sendHardLimit`, to try other settings. @default the server's default */
  hardLimit?: number;
  /** The server's `sendHighWaterMark`, to try other settings. @default the server's default */
  highWaterMark?: number;
  /** The server's `sendStallTimeoutMs`, to try other settings. @default the server's default */
  stallTimeoutMs?: number;
  /** The server's `sendReadWindow`, to try other settings. @default the server's default */
  readWindow?: number;
  /** The server's `rateLimitCooldownMs`, to try other settings. @default the server's default */
  cooldownMs?: number;
  /**
   * V8 worker threads of every process of the run (`--v8-pool-size`); 0 leaves Node's default
   * (4). With 4, the server's concurrent garbage collection took both cores of a 2-core machine
   * for 5 to 10 ms every few seconds and stalled every other process on it, the measuring clients
   * with them; clients on other machines would not feel that (docs/reliability.md, session 8).
   * @default 1
   */
  v8PoolSize?: number;
  /** Run the stalled readers' and the flooders' processes at nice 19. @default false */
  nice?: boolean;
  /**
   * Flood for {@link ATTACK_WARM_UP_MS} at the start of the warm-up, so that the attack's code
   * paths (the flooders' send loop, the server's refusals and 1008 closes) are compiled before
   * either phase is measured, as the echo path is; `false` measures them cold (`--cold-attack`).
   * @default true
   */
  warmUpAttack?: boolean;
  /**
   * Quiet and loaded phases, one after the other, this many times; the verdict compares the
   * p99 of every loaded phase's round trips with that of every quiet phase's. One phase's p99
   * moved by up to 3.5x between the quiet phases of one run on a 2-core machine, while the
   * pooled phases of that run agreed at every percentile (docs/reliability.md, "Slow
   * consumers: every run", session 7).
   * @default 5
   */
  rounds?: number;
}

const BUSY_TOPIC = 'busy';
const EVENT_BYTES = 16_384;
const EVENTS_PER_TICK = 4; // every 20 ms: up to 200 events/s, 3.2 MB/s per subscriber
const WORKER = new URL('./slow-consumers-worker.ts', import.meta.url);
/** Seconds of round trips before the quiet phase, not counted. */
const WARM_UP_SECONDS = 20;
/** Flooding at the start of the warm-up (see `warmUpAttack`). */
const ATTACK_WARM_UP_MS = 3000;
/** Width of the windows of the p99 timeline in the details. */
const TIMELINE_MS = 5000;

/** Runs the slow-consumer scenario and reports one line. */
export async function runSlowConsumers(
  seed: number,
  options: SlowConsumerOptions = {},
): Promise<RunnerResult> {
  const stalledCount = options.stalled ?? 100;
  const flooderCount = options.flooders ?? 10;
  const ordinaryCount = options.ordinary ?? 20;
  const seconds = options.seconds ?? 30;
  const quietSeconds = options.quietSeconds ?? seconds;
  const roundCount = Math.max(1, options.rounds ?? 5);
  const poolSize = options.v8PoolSize ?? 1;
  const nodeFlags = poolSize > 0 ? [`--v8-pool-size=${poolSize}`] : [];
  const server = await ServerProcess.start({
    port: 0,
    nodeFlags,
    options: {
      maxConnectionsPerIp: 1000,
      ...(options.hardLimit !== undefined && { sendHardLimit: options.hardLimit }),
      ...(options.stallTimeoutMs !== undefined && { sendStallTimeoutMs: options.stallTimeoutMs }),
      ...(options.highWaterMark !== undefined && { sendHighWaterMark: options.highWaterMark }),
      ...(options.readWindow !== undefined && { sendReadWindow: options.readWindow }),
      ...(options.cooldownMs !== undefined && { rateLimitCooldownMs: options.cooldownMs }),
    },
  });
  const workers: WorkerProcess[] = [];
  const worker = async (role: SlowWorkerConfig['role'], count: number): Promise<WorkerProcess> => {
    const config: SlowWorkerConfig = {
      role,
      serverPort: server.port,
      seed,
      count,
      topic: BUSY_TOPIC,
    };
    const w = await WorkerProcess.start(WORKER, config, nodeFlags);
    workers.push(w);
    return w;
  };
  let publishing = true;
  let paused = false;
  const publisher = (async () => {
    let seq = 0;
    while (publishing) {
      if (!paused) {
        const seqs = Array.from({ length: EVENTS_PER_TICK }, () => seq++);
        await server
          .call({ cmd: 'publish', topic: BUSY_TOPIC, seqs, padBytes: EVENT_BYTES })
          .catch(() => undefined);
      }
      await sleep(20);
    }
  })();
  try {
    const [ordinary, stalled, flooders] = await Promise.all([
      worker('ordinary', ordinaryCount),
      worker('stalled', stalledCount),
      worker('flooders', flooderCount),
    ]);
    const p: Processes = { server, ordinary, stalled, flooders };
    if (options.nice === true) {
      p.stalled.lowerPriority();
      p.flooders.lowerPriority();
    }
    // Every process runs in both phases; the flooders are connected (idle) in the quiet one.
    await p.ordinary.call('open');
    await p.flooders.call('open');
    // Warm-up: round trips measured and thrown away, so the quiet phase measures the steady
    // state, not the JIT compiling the echo path: after 1 s the quiet p99 was 3 to 4 ms, after
    // 20 s of traffic 1.5 to 2.2 ms on the same machine.
    // The first second of a cold attack was the slowest of every run (about 20 round trips over
    // 2.5 ms, the flooders' process stalling 6 to 14 ms per tick while compiling its send loop):
    // a one-off cost of code never run before, which the echo path's warm-up removes from the
    // quiet phase too. The flooders are closed (1008) and back, idle, well before it ends.
    const warmUp = p.ordinary.call('measure', {
      ms: (options.warmUpSeconds ?? WARM_UP_SECONDS) * 1000,
    });
    if (options.warmUpAttack !== false) {
      await p.flooders.call('flood', { on: true });
      await sleep(
        Math.min(ATTACK_WARM_UP_MS, ((options.warmUpSeconds ?? WARM_UP_SECONDS) * 1000) / 4),
      );
      await p.flooders.call('flood', { on: false });
    }
    await warmUp;
    await server.call({ cmd: 'gc' });
    const baseline = await server.call<ChildStats>({ cmd: 'stats' });
    let peakRss = baseline.rss;
    const sampling = setInterval(() => {
      void server
        .call<ChildStats>({ cmd: 'stats' })
        .then((st) => (peakRss = Math.max(peakRss, st.rss)))
        .catch(() => undefined);
    }, 500);
    const rounds: Round[] = [];
    try {
      for (let r = 0; r < roundCount; r++) {
        rounds.push(
          await runRound(
            p,
            r,
            seconds,
            quietSeconds,
            () => (paused = true),
            () => (paused = false),
          ),
        );
      }
    } finally {
      clearInterval(sampling);
    }
    const after = await server.call<ChildStats>({ cmd: 'stats' });
    peakRss = Math.max(peakRss, after.rss);
    // A last quiet phase once the attackers are gone, for the notes only: it shows how much the
    // machine itself drifted during the run (other processes on a shared machine).
    await sleep(1000);
    const quietAfter = await p.ordinary.call<RoundTrips>('measure', { ms: quietSeconds * 1000 });
    const samplesFile = process.env['CHAOS_SAMPLES'];
    if (samplesFile !== undefined) {
      writeFileSync(
        samplesFile,
        JSON.stringify({
          seed,
          rounds: rounds.map((x) => ({ quiet: x.quiet, loaded: x.loaded })),
          quietAfter,
        }),
      );
    }
    const refused = after.server.rateLimited - baseline.server.rateLimited;
    const riseMb = (peakRss - baseline.rss) / 1024 / 1024;
    const quietAll = pooled(rounds.map((x) => x.quiet));
    const loadedAll = pooled(rounds.map((x) => x.loaded));
    const quietP99 = p99(quietAll);
    const loadedP99 = p99(loadedAll);
    const ratio = loadedP99 / quietP99;
    const stalledClosed = Math.min(...rounds.map((x) => x.stalledClosed));
    const floodersClosed = Math.min(...rounds.map((x) => x.floodersClosed));
    const ordinaryClosed = rounds.reduce((n, x) => n + x.ordinaryClosed, 0);
    const checks = {
      rss: riseMb < 100,
      stalled: stalledClosed === stalledCount,
      flooders: floodersClosed === flooderCount && (flooderCount === 0 || refused > 0),
      ordinary: ordinaryClosed === 0,
      p99: ratio <= 1.2,
    };
    const failed = Object.entries(checks)
      .filter(([, ok]) => !ok)
      .map(([name]) => name);
    const perRound = rounds
      .map(
        (x) => `x${x.ratio.toFixed(2)} (${x.loadedP99.toFixed(1)} / ${x.quietP99.toFixed(1)} ms)`,
      )
      .join(', ');
    return {
      name: 'slow-consumers',
      ok: failed.length === 0 && server.unexpectedExits === 0,
      summary:
        `${roundCount} x ${seconds} s, ${stalledCount} stalled readers, ${flooderCount} flooders${options.nice === true ? ' (attackers at nice 19)' : ''}${options.warmUpAttack === false ? ' (cold attack)' : ''}: server RSS +${riseMb.toFixed(1)} MB` +
        ` (limit 100); stalled closed 1013 ${stalledClosed}/${stalledCount}; flooders closed 1008` +
        ` ${floodersClosed}/${flooderCount}, ${refused} messages refused;` +
        ` ordinary p99 loaded / quiet, rounds pooled: x${ratio.toFixed(2)} (${loadedP99.toFixed(2)} / ${quietP99.toFixed(2)} ms;` +
        ` limit x1.2; ${loadedAll.length} and ${quietAll.length} round trips), ${ordinaryClosed} ordinary closes` +
        (failed.length > 0 ? `; failed: ${failed.join(', ')}` : ''),
      notes: [
        `node flags of every process: ${nodeFlags.join(' ') || "(Node's defaults)"}`,
        `closes by code during the loads: ${JSON.stringify(
          Object.fromEntries(
            Object.entries(after.closes).map(([code, n]) => [
              code,
              n - (baseline.closes[code] ?? 0),
            ]),
          ),
        )}; per round, fewest stalled readers closed 1013 and flooders closed 1008 shown above`,
        `per round, loaded / quiet p99 (the spread the pooled figure evens out): ${perRound}; their median x${median(rounds.map((x) => x.ratio)).toFixed(2)}`,
        `round trips over the pooled quiet p99 (${quietP99.toFixed(2)} ms): ${percentOver(loadedAll, quietP99).toFixed(2)} % under load, ${percentOver(quietAll, quietP99).toFixed(2)} % quiet; p50 ${p50(loadedAll).toFixed(2)} / ${p50(quietAll).toFixed(2)} ms`,
        ...rounds.map(
          (x, i) =>
            `round ${i + 1}: p99 per ${TIMELINE_MS / 1000} s (ms): quiet ${timeline(x.quiet, TIMELINE_MS)}; loaded ${timeline(x.loaded, TIMELINE_MS)}`,
        ),
        `quiet again after the last load: p99 ${p99(quietAfter.samples).toFixed(1)} ms (${quietAfter.samples.length} round trips)`,
        ...rounds.flatMap((x, i) => [
          describeLoads(`round ${i + 1} quiet`, x.quietLoads),
          describeLoads(`round ${i + 1} loaded`, x.loadedLoads),
        ]),
      ],
    };
  } finally {
    publishing = false;
    await publisher;
    await Promise.all(workers.map((w) => w.stop()));
    await server.stop();
  }
}

if (isMain(import.meta.url)) {
  const options: SlowConsumerOptions = {};
  const flags = {
    seconds: 'seconds',
    quietSeconds: 'quiet-seconds',
    warmUpSeconds: 'warm-up',
    stalled: 'stalled',
    flooders: 'flooders',
    hardLimit: 'hard-limit',
    highWaterMark: 'hwm',
    stallTimeoutMs: 'stall-timeout',
    readWindow: 'read-window',
    cooldownMs: 'cooldown',
    v8PoolSize: 'v8-pool-size',
    rounds: 'rounds',
  } as const;
  for (const [key, flag] of Object.entries(flags) as [keyof typeof flags, string][]) {
    const value = numberArg(flag);
    if (value !== undefined) options[key] = value;
  }
  if (process.argv.includes('--nice')) options.nice = true;
  if (process.argv.includes('--cold-attack')) options.warmUpAttack = false;
  await runAll([(s) => runSlowConsumers(s, options)]);
}
