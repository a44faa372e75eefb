/**
 * Scenario 1: acknowledged throughput and latency. One client connection per system sends
 * `echo` messages with a window of N awaiting receipts (N = 100, and 1 for strictly one at a
 * time), payloads of 64 B and 1 KiB. Reports messages/s, p50 and p99 round trip, and CPU time
 * per message of client plus server process.
 */
import { BenchWorker } from '../child.js';
import type { AckRunResult } from '../roles/client-role.js';
import { SYSTEM_NAMES } from '../systems/index.js';
import { alternate, selectSystems, type Metric, type Scenario } from './scenario.js';

interface Session {
  server: BenchWorker;
  clients: BenchWorker;
}

/** Key prefix of one configuration, e.g. `acks.64B.w100`. */
export function ackKey(size: number, window: number): string {
  const label = size >= 1024 && size % 1024 === 0 ? `${size / 1024}KiB` : `${size}B`;
  return `acks.${label}.w${window}`;
}

async function openSession(system: string): Promise<Session> {
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
  return { server, clients };
}

/** Scenario 1 of issue 7. */
export const acksScenario: Scenario = {
  name: 'acks',
  title: 'Acknowledged throughput and latency (window 100 and 1; 64 B and 1 KiB)',
  async run(context) {
    const systems = selectSystems(context, SYSTEM_NAMES);
    const sessions: Array<{ system: string; session: Session }> = [];
    try {
      for (const system of systems) {
        // A system that cannot start (say, ackwire not built yet) is reported and left out,
        // so the others are still compared.
        try {
          sessions.push({ system, session: await openSession(system) });
        } catch (error) {
          context.log(`  ${system}: left out, it did not start: ${String(error)}`);
        }
      }
      const { acks } = context.settings;
      for (const window of acks.windows) {
        for (const size of acks.sizes) {
          const key = ackKey(size, window);
          context.log(`${key}`);
          const count = window > 1 ? acks.count : acks.countOneAtATime;
          await alternate(context, sessions, async ({ server, clients }): Promise<Metric[]> => {
            const serverCpuBefore = await server.call<number>('cpu');
            const run = await clients.call<AckRunResult>('ackRun', {
              size,
              window,
              count,
              maxMs: acks.maxMs,
            });
            const serverCpu = (await server.call<number>('cpu')) - serverCpuBefore;
            return [
              { key: `${key}.rate`, value: run.rate, unit: 'msg/s' },
              { key: `${key}.p50`, value: run.p50Ms, unit: 'ms' },
              { key: `${key}.p99`, value: run.p99Ms, unit: 'ms' },
              { key: `${key}.cpu`, value: (run.cpuUs + serverCpu) / run.completed, unit: 'µs/msg' },
            ];
          });
        }
      }
    } finally {
      await Promise.all(
        sessions.flatMap(({ session }) => [session.server.stop(), session.clients.stop()]),
      );
    }
  },
};
