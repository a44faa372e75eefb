/**
 * Scenario 1: acknowledged throughput and latency. One client connection per system sends
 * `echo` messages with a window of N awaiting receipts (N = 100, and 1 for strictly one at a
 * time), payloads of 64 B and 1 KiB. Reports messages/s, p50 and p99 round trip, and CPU time
 * per message of client plus server process, and the server's part of it alone.
 */
import { BenchWorker } from '../child.js';
import type { AckRunResult } from '../roles/client-role.js';
import type { BenchSettings } from '../settings.js';
import { SYSTEM_NAMES } from '../systems/index.js';
import { alternate, selectSystems, type Metric, type Scenario } from './scenario.js';

interface Session {
  server: BenchWorker;
  clients: BenchWorker;
}

/**
 * Key prefix of one configuration, e.g. `acks.64B.w100`, or `acks.64B.w100-rtt2ms` through the
 * delay proxy with a 2 ms round trip.
 */
export function ackKey(size: number, window: number, rttMs = 0): string {
  const label = size >= 1024 && size % 1024 === 0 ? `${size / 1024}KiB` : `${size}B`;
  return `acks.${label}.w${window}${rttMs > 0 ? `-rtt${rttMs}ms` : ''}`;
}

async function openSession(system: string, delayMs: number): Promise<Session> {
  const [server, clients] = await Promise.all([
    BenchWorker.start('server', system),
    BenchWorker.start('clients', system),
  ]);
  const port = await server.call<number>('listen', { port: 0 });
  await clients.call('open', {
    url: `ws://127.0.0.1:${port}`,
    count: 1,
    subscribe: false,
    concurrency: 1,
    timeoutMs: 30_000,
  });
  // Connection 1 goes through the delay proxy.
  const proxyPort = await server.call<number>('delayProxy', { port, delayMs });
  await clients.call('open', {
    url: `ws://127.0.0.1:${proxyPort}`,
    count: 1,
    subscribe: false,
    concurrency: 1,
    timeoutMs: 30_000,
  });
  return { server, clients };
}

/** One measured configuration of the scenario. */
interface AckConfig {
  key: string;
  size: number;
  window: number;
  count: number;
  maxMs: number;
  /** 0 = direct, 1 = through the delay proxy. */
  connection: number;
}

/** Every configuration the settings ask for, direct ones first. */
export function ackConfigs(acks: BenchSettings['acks']): AckConfig[] {
  const configs: AckConfig[] = [];
  for (const window of acks.windows) {
    for (const size of acks.sizes) {
      const count = window > 1 ? acks.count : acks.countOneAtATime;
      configs.push({
        key: ackKey(size, window),
        size,
        window,
        count,
        maxMs: acks.maxMs,
        connection: 0,
      });
    }
  }
  const { delayed } = acks;
  for (const window of delayed.windows) {
    for (const size of delayed.sizes) {
      configs.push({
        key: ackKey(size, window, 2 * delayed.delayMs),
        size,
        window,
        count: acks.count,
        maxMs: delayed.maxMs,
        connection: 1,
      });
    }
  }
  return configs;
}

/** Scenario 1 of issue 7. */
export const acksScenario: Scenario = {
  name: 'acks',
  title: 'Acknowledged throughput and latency (window 100 and 1; 64 B and 1 KiB; 2 ms RTT)',
  async run(context) {
    const systems = selectSystems(context, SYSTEM_NAMES);
    const sessions: Array<{ system: string; session: Session }> = [];
    try {
      for (const system of systems) {
        // A system that cannot start (say, ackwire not built yet) is reported and left out,
        // so the others are still compared.
        try {
          sessions.push({
            system,
            session: await openSession(system, context.settings.acks.delayed.delayMs),
          });
        } catch (error) {
          context.log(`  ${system}: left out, it did not start: ${String(error)}`);
        }
      }
      for (const config of ackConfigs(context.settings.acks)) {
        const { key, size, window, count, maxMs, connection } = config;
        context.log(key);
        await alternate(context, sessions, async ({ server, clients }): Promise<Metric[]> => {
          const serverCpuBefore = await server.call<number>('cpu');
          const run = await clients.call<AckRunResult>('ackRun', {
            size,
            window,
            count,
            maxMs,
            connection,
          });
          const serverCpu = (await server.call<number>('cpu')) - serverCpuBefore;
          const metrics: Metric[] = [
            { key: `${key}.rate`, value: run.rate, unit: 'msg/s' },
            { key: `${key}.p50`, value: run.p50Ms, unit: 'ms' },
            { key: `${key}.p99`, value: run.p99Ms, unit: 'ms' },
          ];
          if (connection === 0) {
            const cpu = (run.cpuUs + serverCpu) / run.completed;
            metrics.push({ key: `${key}.cpu`, value: cpu, unit: 'µs/msg' });
            // The server's part of `cpu` on its own: server work is compared apart from the
            // client's, which another process spends.
            const serverOnly = serverCpu / run.completed;
            metrics.push({ key: `${key}.serverCpu`, value: serverOnly, unit: 'µs/msg' });
          }
          return metrics;
        });
      }
    } finally {
      await Promise.all(
        sessions.flatMap(({ session }) => [session.server.stop(), session.clients.stop()]),
      );
    }
  },
};
