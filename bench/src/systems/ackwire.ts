/**
 * ackwire: `AckwireClient.send` (at-least-once with server-side dedup, resolved on the server's
 * receipt) against `@ackwire/server`, both loaded from their built `dist/` as users get them
 * (the bench runs without the `ackwire-source` condition). Client options are the defaults; the
 * server only lifts the limits that protect a public server and would otherwise be measured.
 */
import { AckwireClient, type WebSocketConstructor } from '@ackwire/client';
import { createServer as createAckwireServer, type AckwireServer } from '@ackwire/server';
import { WebSocket } from 'ws';
import {
  ECHO_TYPE,
  type BenchSystem,
  type ConnectOptions,
  type SystemConnection,
  type SystemServer,
} from './types.js';

function createServer(): SystemServer {
  let server: AckwireServer | undefined;
  return {
    async listen(port) {
      server = await createAckwireServer({
        port,
        host: '127.0.0.1',
        // The default rate limit (200 msg/s per connection) and the per-IP connection cap
        // (1000) protect a public server; every bench client comes from 127.0.0.1 and sends
        // as fast as receipts allow, so they are lifted here.
        rateLimitPerSecond: 1e9,
        rateLimitBurst: 1e9,
        maxConnections: 100_000,
        maxConnectionsPerIp: 100_000,
      });
      server.handle(ECHO_TYPE, () => undefined);
      return server.port ?? port;
    },
    publish(topic, data) {
      server!.publish(topic, data);
    },
    connections() {
      return server?.stats().connections ?? 0;
    },
    async close() {
      await server?.close();
    },
  };
}

/** The `ws` constructor, counting every socket attempt the client makes. */
function countingWebSocket(onAttempt: (() => void) | undefined): WebSocketConstructor {
  return class CountingWebSocket extends WebSocket {
    constructor(url: string, protocols?: string | string[]) {
      super(url, protocols);
      onAttempt?.();
    }
  };
}

async function connect(options: ConnectOptions): Promise<SystemConnection> {
  const client = new AckwireClient(options.url, {
    WebSocket: countingWebSocket(options.onAttempt),
  });
  await new Promise<void>((resolve, reject) => {
    const ready = (): void => {
      options.onReady?.();
      resolve();
    };
    if (options.topic) {
      // Ready = open and (re)subscribed: `subscribed` fires after each welcome or sub receipt.
      const subscription = client.subscribe(options.topic, (data) => options.onDelivery?.(data));
      subscription.on('subscribed', ready);
      subscription.on('error', reject);
    } else {
      client.on('open', ready);
    }
  });
  return {
    send: (data) => client.send(ECHO_TYPE, data),
    close: () => client.close(),
  };
}

/** ackwire `send` against `@ackwire/server`. */
export const ackwire: BenchSystem = {
  name: 'ackwire',
  description: 'ackwire send (at-least-once, server dedup), JSON codec, default client options',
  createServer,
  connect,
};
