/**
 * Scenario 5: server memory per idle connection. A fresh server process per measurement;
 * heap and RSS after full collections, before and after N idle connections from a separate
 * client process; the difference divided by N.
 */
import { BenchWorker } from '../child.js';
import { alternate, selectSystems, type Scenario } from './scenario.js';

/** Systems compared for memory (issue 7). */
export const MEMORY_SYSTEMS = ['ackwire', 'ws-raw', 'socket.io'] as const;

interface Memory {
  heapUsed: number;
  rss: number;
}

/** Scenario 5 of issue 7. */
export const memoryScenario: Scenario = {
  name: 'memory',
  title: 'Server heap and RSS per idle connection',
  async run(context) {
    const { connections, repetitions } = context.settings.memory;
    const systems = selectSystems(context, MEMORY_SYSTEMS).map((system) => ({
      system,
      session: system,
    }));
    context.log(`memory: ${connections} idle connections`);
    await alternate(
      context,
      systems,
      async (system) => {
        const [server, clients] = await Promise.all([
          BenchWorker.start('server', system),
          BenchWorker.start('clients', system),
        ]);
        try {
          const port = await server.call<number>('listen', { port: 0 });
          const before = await server.call<Memory>('memory');
          await clients.call(
            'open',
            {
              url: `ws://127.0.0.1:${port}`,
              count: connections,
              subscribe: false,
              concurrency: 100,
              timeoutMs: 120_000,
            },
            150_000,
          );
          await server.call('waitConnections', { count: connections, timeoutMs: 30_000 });
          const after = await server.call<Memory>('memory');
          return [
            {
              key: 'memory.heap',
              value: (after.heapUsed - before.heapUsed) / connections / 1024,
              unit: 'KiB/conn',
            },
            {
              key: 'memory.rss',
              value: (after.rss - before.rss) / connections / 1024,
              unit: 'KiB/conn',
            },
          ];
        } finally {
          await Promise.all([server.stop(), clients.stop()]);
        }
      },
      repetitions,
      0,
    );
  },
};
