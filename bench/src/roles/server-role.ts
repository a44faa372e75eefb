/** Server worker commands: listen, publish a burst, count connections, close. */
import { startDelayProxy, type DelayProxy } from '../delay-proxy.js';
import { wallNow } from '../worker-protocol.js';
import type { BenchSystem } from '../systems/types.js';
import { waitFor, type Commands } from './commands.js';

/** Arguments of the `publish` command. */
export interface PublishArgs {
  topic: string;
  /** How many messages to publish. */
  count: number;
  /** Payload size in bytes. */
  size: number;
  /** Yield to the event loop after this many publications, so sockets can drain. */
  yieldEvery: number;
}

/** What `publish` reports: wall-clock times comparable with the client worker's. */
export interface PublishResult {
  startedAt: number;
  endedAt: number;
}

/** Commands of a server worker for `system`. */
export function serverCommands(system: BenchSystem): Commands {
  const server = system.createServer();
  const proxies: DelayProxy[] = [];
  return {
    /** Starts a delay proxy in front of this server (same process); resolves with its port. */
    delayProxy: async ({ port, delayMs }: { port: number; delayMs: number }) => {
      const proxy = await startDelayProxy(port, delayMs);
      proxies.push(proxy);
      return proxy.port;
    },
    listen: async ({ port }: { port: number }) => server.listen(port),
    connections: () => server.connections(),
    waitConnections: async ({ count, timeoutMs }: { count: number; timeoutMs: number }) => {
      await waitFor(`${count} connections`, () => server.connections() >= count, timeoutMs);
      return server.connections();
    },
    publish: async (args: PublishArgs): Promise<PublishResult> => {
      const data = 'x'.repeat(args.size);
      const startedAt = wallNow();
      for (let i = 1; i <= args.count; i++) {
        await server.publish(args.topic, data);
        if (i % args.yieldEvery === 0) await new Promise((resolve) => setImmediate(resolve));
      }
      return { startedAt, endedAt: wallNow() };
    },
    close: async () => {
      const startedAt = wallNow();
      await server.close();
      return { startedAt, endedAt: wallNow() };
    },
    shutdown: async () => {
      await Promise.all(proxies.splice(0).map((proxy) => proxy.close()));
      await server.close();
    },
  };
}
