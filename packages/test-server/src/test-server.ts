/**
 * `startTestServer`: an ackwire server at `/rt` with the built-in handlers, fault injection and
 * an HTTP control endpoint, on one HTTP server whose port survives `restart()`.
 */
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createServer, type AckwireServer, type ServerOptions } from '@ackwire/server';
import { allowCors, handleControl } from './control.js';
import { FaultState, type Faults } from './faults.js';
import { registerBuiltinHandlers } from './handlers.js';
import { serveMounts, type StaticMount } from './static.js';

/** WebSocket path of the test server. */
export const WS_PATH = '/rt';

/** Options of {@link startTestServer}. */
export interface TestServerOptions {
  /**
   * Port to listen on; 0 picks a free one (kept across restarts).
   * @default 0
   */
  port?: number;
  /**
   * Interface to listen on.
   * @default '127.0.0.1'
   */
  host?: string;
  /**
   * Options passed to the ackwire server (`server`, `path` and `intercept` are the test
   * server's own; `authenticate` is wrapped by the `rejectAuth` fault).
   * @default {}
   */
  serverOptions?: Omit<ServerOptions, 'server' | 'path' | 'port' | 'host' | 'intercept'>;
  /**
   * Directory served over HTTP at `/` for paths other than the control endpoint (the demo).
   * @default undefined (404)
   */
  staticDir?: string;
  /**
   * More directories served under URL prefixes (e.g. the client's `dist` at `/client`); the
   * longest matching prefix wins. `staticDir` is the mount at `/`.
   * @default []
   */
  staticMounts?: readonly StaticMount[];
}

/** A running test server. */
export interface TestServer {
  /** WebSocket URL, e.g. `ws://127.0.0.1:PORT/rt`. */
  readonly url: string;
  /** HTTP base URL, e.g. `http://127.0.0.1:PORT`. */
  readonly httpUrl: string;
  /** Control endpoint base, e.g. `http://127.0.0.1:PORT/control`. */
  readonly controlUrl: string;
  /** The bound port. */
  readonly port: number;
  /** The current ackwire server (a new one after each restart). */
  readonly server: AckwireServer;
  /** Fault injection. */
  readonly faults: Faults;
  /**
   * Crashes and comes back: every socket is dropped without goaway or close frame, all in-memory
   * state (sessions, dedup receipts, topics and their epochs) is lost, and after `downMs` the
   * server listens again on the same port.
   */
  restart(options?: { downMs?: number }): Promise<void>;
  /** Closes gracefully (goaway, 1001) and stops listening. */
  close(): Promise<void>;
}

function listen(http: HttpServer, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    http.once('error', reject);
    http.listen({ port, host, exclusive: false }, () => {
      http.off('error', reject);
      resolve();
    });
  });
}

/** Starts a test server. */
export async function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  const host = options.host ?? '127.0.0.1';
  const userAuth = options.serverOptions?.authenticate;
  let port = options.port ?? 0;
  let http: HttpServer | undefined;
  let server: AckwireServer | undefined;
  let restarting: Promise<void> | undefined;
  let closed = false;

  const mounts: StaticMount[] = [
    ...(options.staticDir !== undefined ? [{ prefix: '/', dir: options.staticDir }] : []),
    ...(options.staticMounts ?? []),
  ];
  const current = (): AckwireServer => server!;
  const faults: FaultState = new FaultState(current, (o) => restart(o));

  async function up(): Promise<void> {
    const h = createHttpServer((req, res) => {
      const path = (req.url ?? '/').split('?')[0]!;
      if (path === '/control' || path.startsWith('/control/')) {
        void handleControl(req, res, faults, current);
      } else if (mounts.length > 0) {
        void serveMounts(req, res, mounts);
      } else {
        allowCors(res);
        res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found');
      }
    });
    await listen(h, port, host);
    port = (h.address() as AddressInfo).port;
    const s = await createServer({
      ...options.serverOptions,
      server: h,
      path: WS_PATH,
      intercept: faults.interceptor,
      authenticate: async (token, req) => {
        if (faults.authRejected) throw new Error('authentication rejected (test fault)');
        return userAuth ? await userAuth(token, req) : { token: token ?? null };
      },
    });
    registerBuiltinHandlers(s, faults.records);
    http = h;
    server = s;
  }

  async function down(abrupt: boolean): Promise<void> {
    const s = server;
    const h = http;
    if (s) await s.close({ abrupt });
    if (h) {
      await new Promise<void>((resolve) => {
        h.close(() => resolve());
        h.closeAllConnections();
      });
    }
  }

  function restart(o: { downMs?: number } = {}): Promise<void> {
    restarting ??= (async () => {
      try {
        await down(true);
        faults.stalled.clear();
        if (o.downMs) await new Promise((r) => setTimeout(r, o.downMs));
        if (!closed) await up();
      } finally {
        restarting = undefined;
      }
    })();
    return restarting;
  }

  await up();
  const base = `${host.includes(':') ? `[${host}]` : host}:${port}`;
  return {
    url: `ws://${base}${WS_PATH}`,
    httpUrl: `http://${base}`,
    controlUrl: `http://${base}/control`,
    port,
    get server() {
      return current();
    },
    faults,
    restart,
    async close() {
      closed = true;
      await restarting;
      await down(false);
    },
  };
}
