/**
 * One round of the slow-consumer run (issue 8): a quiet phase, then the load (100 stalled
 * readers and 10 flooders), then the attackers stopped again; with what the server closed and
 * each process's CPU and event-loop delay per phase. `slow-consumers.ts` runs the rounds and
 * gives the verdict.
 */
import { sleep } from './harness.js';
import { describeLoad, type ProcessLoad } from './process-load.js';
import { p99 } from './round-trips.js';
import type { ServerProcess } from './server-child.js';
import type { RoundTrips } from './slow-consumers-worker.js';
import { trace } from './trace.js';
import type { WorkerProcess } from './worker-process.js';

/**
 * Pause before each quiet phase, not measured: the previous round's attackers have just been
 * stopped (100 stalled clients and their proxy closed, the server's closes and the garbage they
 * leave), and the quiet phase is to measure the machine without them, not their aftermath.
 */
const SETTLE_MS = 2000;

/** The run's processes, so one place can stop them all. */
export interface Processes {
  server: ServerProcess;
  ordinary: WorkerProcess;
  stalled: WorkerProcess;
  flooders: WorkerProcess;
}

export async function loads(p: Processes): Promise<Record<keyof Processes, ProcessLoad>> {
  const [server, ordinary, stalled, flooders] = await Promise.all([
    p.server.call<ProcessLoad>({ cmd: 'load' }),
    p.ordinary.call<ProcessLoad>('load'),
    p.stalled.call<ProcessLoad>('load'),
    p.flooders.call<ProcessLoad>('load'),
  ]);
  return { server, ordinary, stalled, flooders };
}

export function describeLoads(phase: string, l: Record<keyof Processes, ProcessLoad>): string {
  const parts = (Object.keys(l) as (keyof Processes)[]).map((name) => describeLoad(name, l[name]));
  return `${phase}: ${parts.join('; ')}`;
}

/** One quiet phase and one loaded phase, with what the server closed during the load. */
export interface Round {
  quiet: RoundTrips;
  loaded: RoundTrips;
  quietP99: number;
  loadedP99: number;
  ratio: number;
  stalledClosed: number;
  floodersClosed: number;
  ordinaryClosed: number;
  quietLoads: Record<keyof Processes, ProcessLoad>;
  loadedLoads: Record<keyof Processes, ProcessLoad>;
}

/**
 * Round `index`: the quiet phase, then the load (stalled readers opened while the publisher
 * pauses, then cut off; the flooders flooding), then the attackers stopped again.
 */
export async function runRound(
  p: Processes,
  index: number,
  seconds: number,
  quietSeconds: number,
  pause: () => void,
  resume: () => void,
): Promise<Round> {
  const label = `round ${index + 1}`;
  const before = await p.server.call<Record<string, string[]>>({ cmd: 'closed-cids' });
  // The quiet phase has the flooders connected and idle: after the previous load, each waits
  // out the server's rate-limit cooldown before it reconnects.
  await p.flooders.call('connected', {}, 90_000);
  await sleep(SETTLE_MS);
  await loads(p);
  trace('runner', `${label} quiet`);
  const quiet = await p.ordinary.call<RoundTrips>('measure', { ms: quietSeconds * 1000 });
  const quietLoads = await loads(p);

  // The load: stalled readers, subscribed first, then cut off by a proxy that holds every
  // byte from the server (and does the same to their later connections); the flooders start.
  // They subscribe while the publisher pauses: 100 readers each taking 3.2 MB/s would delay
  // their own subscribe results (on a busy machine past any bound), and with it paused the
  // whole fan-out into the stalled sockets falls inside the measured phase.
  pause();
  trace('runner', `${label} stalled-open`);
  await p.stalled.call('open');
  await p.stalled.call('stall');
  resume();
  trace('runner', `${label} stall+publish`);
  await p.flooders.call('flood', { on: true });
  trace('runner', `${label} loaded`);
  const loaded = await p.ordinary.call<RoundTrips>(
    'measure',
    { ms: seconds * 1000 },
    seconds * 1000 + 60_000,
  );
  trace('runner', `${label} loaded-end`);
  const loadedLoads = await loads(p);
  await p.flooders.call('flood', { on: false });
  await p.stalled.call('close');
  const closedAll = await p.server.call<Record<string, string[]>>({ cmd: 'closed-cids' });
  const during = (code: string): string[] =>
    (closedAll[code] ?? []).slice(before[code]?.length ?? 0);
  const quietP99 = p99(quiet.samples);
  const loadedP99 = p99(loaded.samples);
  return {
    quiet,
    loaded,
    quietP99,
    loadedP99,
    ratio: loadedP99 / quietP99,
    stalledClosed: new Set(during('1013').filter((cid) => cid.startsWith('chaos-stalled-'))).size,
    floodersClosed: new Set(during('1008').filter((cid) => cid.startsWith('chaos-flooder-'))).size,
    ordinaryClosed: Object.keys(closedAll)
      .flatMap(during)
      .filter((cid) => cid.startsWith('chaos-ordinary-')).length,
    quietLoads,
    loadedLoads,
  };
}
