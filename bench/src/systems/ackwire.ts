/**
 * ackwire: `AckwireClient.send` (at-least-once with server-side dedup, resolved on the server's
 * receipt) against `@ackwire/server`, both from their built `dist/` as users get them.
 * Provisional: written against the API announced in issue 7 until the packages land.
 */
import { WebSocket } from 'ws';
import type { BenchSystem, ConnectOptions, SystemConnection, SystemServer } from './types.js';
import { ECHO_TYPE } from './types.js';

interface ClientLike {
  send(type: string, data: unknown): Promise<unknown>;
  subscribe(topic: string, handler: (data: unknown) => void): unknown;
  on(event: string, listener: (...args: unknown[]) => void): unknown;
  close(): unknown;
}
interface ServerLike {
  handle(type: string, handler: (data: unknown) => unknown): unknown;
  publish(topic: string, data: unknown): unknown;
  close(): Promise<void>;
}
interface ClientModule {
  AckwireClient: new (url: string, options: Record<string, unknown>) => ClientLike;
}
interface ServerModule {
  createServer(options: Record<string, unknown>): ServerLike;
}

const load = async <T>(name: string): Promise<T> => (await import(name)) as T;

function createServer(): SystemServer {
  let server: ServerLike | undefined;
  return {
    async listen(port) {
      const { createServer } = await load<ServerModule>('@ackwire/server');
      server = createServer({
        port,
        host: '127.0.0.1',
        // The default rate limit (200 msg/s) protects a public server; a throughput bench
        // must not measure it.
        rateLimitPerSecond: 1e9,
        rateLimitBurst: 1e9,
        maxConnections: 100_000,
        maxConnectionsPerIp: 100_000,
      });
      server.handle(ECHO_TYPE, () => undefined);
      return port;
    },
    publish(topic, data) {
      server!.publish(topic, data);
    },
    connections() {
      return 0;
    },
    async close() {
      await server?.close();
    },
  };
}

async function connect(options: ConnectOptions): Promise<SystemConnection> {
  const { AckwireClient } = await load<ClientModule>('@ackwire/client');
  const onAttempt = options.onAttempt;
  class CountingWebSocket extends WebSocket {
    constructor(...args: ConstructorParameters<typeof WebSocket>) {
      super(...args);
      onAttempt?.();
    }
  }
  const client = new AckwireClient(options.url, { WebSocket: CountingWebSocket });
  if (options.topic) client.subscribe(options.topic, (data) => options.onDelivery?.(data));
  await new Promise<void>((resolve) => client.on('open', () => resolve()));
  options.onReady?.();
  return {
    send: (data) => client.send(ECHO_TYPE, data),
    close: async () => {
      await client.close();
    },
  };
}

/** ackwire `send` against `@ackwire/server`. */
export const ackwire: BenchSystem = {
  name: 'ackwire',
  description: 'ackwire send (at-least-once, server dedup), JSON codec',
  createServer,
  connect,
};
