/**
 * The real test server on port 0 (127.0.0.1) for client integration tests: short heartbeats,
 * no rate limit in the way, clients with fast backoff; everything started is closed after each
 * test. Call `liveServers()` once at the top of a test file.
 */
import { afterEach } from 'vitest';
import WebSocket from 'ws';
import { startTestServer, type TestServer } from '@ackwire/test-server';
import { AckwireClient, type ClientOptions } from '../src/index.js';

type TestServerOptions = NonNullable<Parameters<typeof startTestServer>[0]>;

/** Starts servers and clients for one test file and closes them after each test. */
export function liveServers(): {
  server(options?: TestServerOptions): Promise<TestServer>;
  client(ts: TestServer, options?: ClientOptions, url?: string): AckwireClient;
  /** Closes `c` after the test too (a client built by hand). */
  track(c: AckwireClient): AckwireClient;
} {
  const servers: TestServer[] = [];
  const clients: AckwireClient[] = [];
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
    await Promise.all(servers.splice(0).map((s) => s.close()));
  });
  return {
    async server(options = {}) {
      const ts = await startTestServer({
        port: 0,
        ...options,
        serverOptions: {
          heartbeatIntervalMs: 300,
          heartbeatTimeoutMs: 300,
          rateLimitPerSecond: 100_000,
          rateLimitBurst: 100_000,
          ...options.serverOptions,
        },
      });
      servers.push(ts);
      return ts;
    },
    client(ts, options = {}, url = ts.url) {
      const c = new AckwireClient(url, {
        WebSocket,
        backoffBaseMs: 20,
        backoffCapMs: 200,
        receiptTimeoutMs: 300,
        lifecycle: null,
        ...options,
      });
      clients.push(c);
      return c;
    },
    track(c) {
      clients.push(c);
      return c;
    },
  };
}
