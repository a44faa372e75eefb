/**
 * Scenario 2: fan-out. A separate client process holds the subscribers; the server publishes
 * M messages to one topic; deliveries/s = subscribers x M / (last delivery - first publish),
 * both wall-clock times taken in their own process on the same machine.
 */
import { BenchWorker } from '../child.js';
import type { PublishResult } from '../roles/server-role.js';
import { BENCH_TOPIC } from '../systems/types.js';
import { alternate, selectSystems, type Scenario } from './scenario.js';

/** Systems compared in fan-out (issue 7). */
export const FANOUT_SYSTEMS = ['ackwire', 'ws-raw', 'socket.io'] as const;

interface Session {
  server: BenchWorker;
  clients: BenchWorker;
}

/** Scenario 2 of issue 7. */
export const fanoutScenario: Scenario = {
  name: 'fanout',
  title: 'Fan-out: one topic, subscribers in a separate process',
  async run(context) {
    const { subscribers, messages, size } = context.settings.fanout;
    const sessions: Array<{ system: string; session: Session }> = [];
    try {
      for (const system of selectSystems(context, FANOUT_SYSTEMS)) {
        try {
          const [server, clients] = await Promise.all([
            BenchWorker.start('server', system),
            BenchWorker.start('clients', system),
          ]);
          sessions.push({ system, session: { server, clients } });
          const port = await server.call<number>('listen', { port: 0 });
          await clients.call('open', {
            url: `ws://127.0.0.1:${port}`,
            count: subscribers,
            subscribe: true,
            concurrency: 50,
            timeoutMs: 60_000,
          });
          await server.call('waitConnections', { count: subscribers, timeoutMs: 30_000 });
        } catch (error) {
          context.log(`  ${system}: left out, it did not start: ${String(error)}`);
          sessions.pop();
        }
      }
      context.log(`fanout: ${subscribers} subscribers x ${messages} messages of ${size} B`);
      await alternate(context, sessions, async ({ server, clients }) => {
        const expected = subscribers * messages;
        await clients.call('expectDeliveries', { count: expected });
        const [serverCpu, clientCpu] = await Promise.all([
          server.call<number>('cpu'),
          clients.call<number>('cpu'),
        ]);
        const published = await server.call<PublishResult>('publish', {
          topic: BENCH_TOPIC,
          count: messages,
          size,
          yieldEvery: 1,
        });
        const delivered = await clients.call<{ lastDeliveryAt: number }>('awaitDeliveries', {
          timeoutMs: 60_000,
        });
        const seconds = (delivered.lastDeliveryAt - published.startedAt) / 1000;
        // CPU per delivery on each side tells whether the server's fan-out or the subscribers'
        // decoding is the limit (the client figure includes polling the counter every 5 ms).
        const [serverCpuAfter, clientCpuAfter] = await Promise.all([
          server.call<number>('cpu'),
          clients.call<number>('cpu'),
        ]);
        return [
          { key: 'fanout.deliveries', value: expected / seconds, unit: 'deliveries/s' },
          {
            key: 'fanout.server-cpu',
            value: (serverCpuAfter - serverCpu) / expected,
            unit: 'µs/delivery',
          },
          {
            key: 'fanout.client-cpu',
            value: (clientCpuAfter - clientCpu) / expected,
            unit: 'µs/delivery',
          },
        ];
      });
    } finally {
      await Promise.all(
        sessions.flatMap(({ session }) => [session.server.stop(), session.clients.stop()]),
      );
    }
  },
};
