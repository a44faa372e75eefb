/**
 * Scenario 4: reconnect storm. N clients (one process) are connected and subscribed; the server
 * process closes gracefully and exits (`restart`), or is killed (`crash`), and after a fixed
 * downtime a new server process listens on the same port (attempts during the downtime are
 * refused, as in a real restart). We
 * measure the time from the close until every client is open and resubscribed, and the largest
 * share of all reconnect attempts that fell inside any sliding 100 ms window (target: <= 5%).
 */
import { BenchWorker } from '../child.js';
import type { StormResult } from '../roles/client-role.js';
import { sleep } from '../roles/commands.js';
import { peakWindowShare } from '../stats.js';
import { wallNow } from '../worker-protocol.js';
import { alternate, selectSystems, type Metric, type Scenario } from './scenario.js';

/** Systems compared in the storm: ackwire, socket.io's backoff, and a naive fixed-delay loop. */
export const STORM_SYSTEMS = ['ackwire', 'socket.io', 'ws-raw'] as const;

/** Width of the window in which attempts are counted. */
export const STORM_WINDOW_MS = 100;

/**
 * How the old server goes: `restart` closes gracefully (ackwire sends `goaway`, every system
 * sends close frames) and exits; `crash` is SIGKILL, so clients see the TCP connection drop.
 */
export const STORM_MODES = ['restart', 'crash'] as const;

/** One of {@link STORM_MODES}. */
export type StormMode = (typeof STORM_MODES)[number];

interface Session {
  server: BenchWorker;
  clients: BenchWorker;
  system: string;
  port: number;
}

/** Takes the session's server down in `mode`, brings a new one up, and measures the storm. */
async function restartOnce(
  session: Session,
  mode: StormMode,
  count: number,
  downtimeMs: number,
  timeoutMs: number,
  log: (message: string) => void,
): Promise<Metric[]> {
  // Start the next server process first, so the gap is the downtime, not the spawn of a Node
  // process (the same for every system).
  const next = await BenchWorker.start('server', session.system);
  await session.clients.call('armStorm');
  const downAt = wallNow();
  if (mode === 'restart') {
    await session.server.call('close');
    await session.server.stop();
  } else {
    session.server.kill();
  }
  await sleep(Math.max(0, downAt + downtimeMs - wallNow()));
  await next.call('listen', { port: session.port });
  session.server = next;
  const storm = await session.clients.call<StormResult>('awaitStorm', { timeoutMs });
  if (storm.ready < count) log(`  ${session.system}: only ${storm.ready} of ${count} recovered`);
  return [
    {
      key: `storm.${mode}.recovery`,
      value: storm.ready >= count ? storm.lastReadyAt - downAt : Number.NaN,
      unit: 'ms',
    },
    {
      key: `storm.${mode}.peak100ms`,
      value: peakWindowShare(storm.attempts, STORM_WINDOW_MS) * 100,
      unit: '% of attempts',
    },
    { key: `storm.${mode}.attempts`, value: storm.attempts.length / count, unit: 'per client' },
  ];
}

/** Scenario 4 of issue 7. */
export const stormScenario: Scenario = {
  name: 'storm',
  title: 'Reconnect storm: the server restarts under N subscribed clients',
  async run(context) {
    const { clients: count, downtimeMs, timeoutMs } = context.settings.storm;
    const sessions: Array<{ system: string; session: Session }> = [];
    try {
      for (const system of selectSystems(context, STORM_SYSTEMS)) {
        try {
          const [server, clients] = await Promise.all([
            BenchWorker.start('server', system),
            BenchWorker.start('clients', system),
          ]);
          const session: Session = { server, clients, system, port: 0 };
          sessions.push({ system, session });
          session.port = await server.call<number>('listen', { port: 0 });
          await clients.call('open', {
            url: `ws://127.0.0.1:${session.port}`,
            count,
            subscribe: true,
            concurrency: 50,
            timeoutMs: 60_000,
          });
        } catch (error) {
          context.log(`  ${system}: left out, it did not start: ${String(error)}`);
          sessions.pop();
        }
      }
      for (const mode of STORM_MODES) {
        context.log(`storm.${mode}: ${count} clients, server ${mode}`);
        await alternate(
          context,
          sessions,
          (session) => restartOnce(session, mode, count, downtimeMs, timeoutMs, context.log),
          context.settings.repetitions,
          // No warm-up: the clients' first connections warmed the code paths, and an extra
          // restart would only add its reconnect spread to the run time.
          0,
          // A storm mostly waits (ackwire's restart spreads reconnects over 11 s): `--quick`
          // runs the systems side by side to stay under a minute.
          context.settings.mode === 'quick',
        );
      }
    } finally {
      await Promise.all(
        sessions.flatMap(({ session }) => [session.server.stop(), session.clients.stop()]),
      );
    }
  },
};
