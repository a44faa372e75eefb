/**
 * A fault-injecting TCP proxy on `node:net` (docs/reliability.md, "The proxy"). It listens on
 * 127.0.0.1, forwards each accepted connection to one upstream, and applies a fault mode per
 * connection and per direction that can change at any time. Nothing on npm did all of this
 * in-process with a seeded RNG, so the suite carries its own.
 */
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { ChaosError } from './errors.js';
import { PASS, resolveFault, type FaultMode, type FaultOptions } from './fault.js';
import { ProxyConnection, type InitialFaults } from './proxy-connection.js';
import { createRng } from './rng.js';

/** Options of {@link startProxy}. */
export interface ProxyOptions {
  /** Where every accepted connection is forwarded. */
  upstream: { host: string; port: number };
  /**
   * Seed of the RNG behind every random choice (latency jitter); each connection gets its own
   * stream derived from this seed and its id, so one busy connection cannot shift another's.
   * @default a random 32-bit seed, readable as `proxy.seed`
   */
  seed?: number;
  /**
   * Interface to listen on. Chaos runs stay on loopback.
   * @default '127.0.0.1'
   */
  host?: string;
  /**
   * Port to listen on; 0 lets the OS choose (read it back from `proxy.port`).
   * @default 0
   */
  port?: number;
  /**
   * Bytes a direction may queue (latency, throttle, slice) before the proxy stops reading its
   * source, so a slow fault turns into TCP backpressure instead of memory growth.
   * @default 1048576
   */
  highWaterBytes?: number;
  /** Called with each new connection, before any byte is forwarded. */
  onConnection?: (connection: ProxyConnection) => void;
}

/** Defaults of the optional {@link ProxyOptions}, applied in {@link startProxy} only. */
export const PROXY_DEFAULTS = Object.freeze({
  host: '127.0.0.1',
  port: 0,
  highWaterBytes: 1024 * 1024,
});

/** A running proxy. */
export interface Proxy {
  /** The port the proxy listens on. */
  readonly port: number;
  /** The interface the proxy listens on. */
  readonly host: string;
  /** The RNG seed, to print and to replay. */
  readonly seed: number;
  /** A `ws://` URL through the proxy, e.g. `proxy.url('/ws')`. */
  url(path?: string): string;
  /** The connections that are still open, oldest first. */
  connections(): ProxyConnection[];
  /** Resolves with the next connection the proxy accepts. */
  nextConnection(): Promise<ProxyConnection>;
  /**
   * Sets the fault of every current connection and of every future one. `reset` resets the
   * open connections and then every new connection as soon as it is accepted, until another
   * mode is set.
   * @throws ChaosError CHAOS_BAD_FAULT, CHAOS_PROXY_CLOSED
   */
  setMode(mode: FaultMode, options?: FaultOptions): void;
  /** Resets (TCP RST) every open connection; new connections are not affected. */
  resetAll(): void;
  /**
   * Blackholes every open connection in both directions; new connections are not affected,
   * which is the case a heartbeat must detect: the old link is dead, a new one would work.
   */
  blackholeAll(options?: Pick<FaultOptions, 'blackhole'>): void;
  /** Stops listening, closes every socket and clears every timer. */
  close(): Promise<void>;
}

/**
 * Starts a proxy listening on `host:port` (127.0.0.1, OS-chosen port by default).
 * @example
 * const proxy = await startProxy({ upstream: { host: '127.0.0.1', port: server.port }, seed });
 * const client = createClient({ url: proxy.url('/ws') });
 * proxy.setMode('latency', { latencyMs: 100, jitterMs: 50 });
 */
export async function startProxy(options: ProxyOptions): Promise<Proxy> {
  const host = options.host ?? PROXY_DEFAULTS.host;
  const highWaterBytes = options.highWaterBytes ?? PROXY_DEFAULTS.highWaterBytes;
  const seed = (options.seed ?? Math.floor(Math.random() * 0x1_0000_0000)) >>> 0;
  const rng = createRng(seed);
  const open = new Set<ProxyConnection>();
  const waiters: { resolve: (c: ProxyConnection) => void; reject: (e: Error) => void }[] = [];
  let future: InitialFaults & { reset: boolean } = { up: PASS, down: PASS, reset: false };
  let nextId = 1;
  let closed = false;

  const accept = (socket: Socket): void => {
    const id = nextId++;
    if (closed || future.reset) {
      socket.on('error', () => undefined);
      socket.resetAndDestroy();
      return;
    }
    const connection = new ProxyConnection(
      id,
      socket,
      options.upstream,
      rng.fork(id),
      future,
      highWaterBytes,
    );
    open.add(connection);
    void connection.closed.then(() => open.delete(connection));
    options.onConnection?.(connection);
    for (const waiter of waiters.splice(0)) waiter.resolve(connection);
  };

  const server: Server = createServer({ allowHalfOpen: true, pauseOnConnect: false }, accept);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? PROXY_DEFAULTS.port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;

  const ensureOpen = (): void => {
    if (closed) throw new ChaosError('CHAOS_PROXY_CLOSED', 'proxy: used after close()');
  };

  return {
    port,
    host,
    seed,
    url: (path = '/') => `ws://${host}:${port}${path.startsWith('/') ? path : `/${path}`}`,
    connections: () => [...open],
    nextConnection: () => {
      ensureOpen();
      return new Promise((resolve, reject) => waiters.push({ resolve, reject }));
    },
    setMode(mode, modeOptions) {
      ensureOpen();
      const { fault, direction, reset } = resolveFault(mode, modeOptions);
      if (reset) {
        future = { ...future, reset: true };
        for (const c of open) c.reset();
        return;
      }
      future = {
        up: direction === 'down' ? future.up : fault,
        down: direction === 'up' ? future.down : fault,
        reset: false,
      };
      for (const c of open) {
        c.applyFaults({
          ...(direction !== 'down' && { up: fault }),
          ...(direction !== 'up' && { down: fault }),
        });
      }
    },
    resetAll() {
      ensureOpen();
      for (const c of open) c.reset();
    },
    blackholeAll(blackholeOptions) {
      ensureOpen();
      for (const c of open) c.setMode('blackhole', { ...blackholeOptions, direction: 'both' });
    },
    async close() {
      if (closed) return;
      closed = true;
      const error = new ChaosError(
        'CHAOS_PROXY_CLOSED',
        'proxy: closed while waiting for a connection',
      );
      for (const waiter of waiters.splice(0)) waiter.reject(error);
      const serverClosed = new Promise<void>((resolve) => server.close(() => resolve()));
      const connections = [...open];
      for (const c of connections) c.destroy();
      await Promise.all([serverClosed, ...connections.map((c) => c.closed)]);
    },
  };
}
