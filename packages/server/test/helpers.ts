/**
 * Server test helpers: servers on a free port that close themselves after each test, plus the
 * shared raw protocol client (`@ackwire/test-utils`), and a topic store stepped by hand.
 */
import { afterEach } from 'vitest';
import {
  createServer,
  type AckwireServer,
  type CloseOptions,
  type ServerOptions,
} from '@ackwire/server';

import { TopicStore } from '../src/topic-store.js';

export * from '@ackwire/test-utils';

/** A started server and the URL its clients dial. */
export interface StartedServer {
  server: AckwireServer;
  url: string;
}

/** Starts a server on 127.0.0.1, port 0 (`host` and `port` are ignored with `options.server`). */
export type StartServer = (options?: ServerOptions) => Promise<StartedServer>;

/**
 * Registers an `afterEach` that closes every server the returned `start` opened during the test,
 * so no test file repeats that teardown. A test may start several servers, or close one itself
 * (to restart it or to check what closing does): closing is idempotent, so each is closed again
 * harmlessly. Call it once per file, or inside a `describe` to scope it there.
 *
 * @param closeOptions how the servers are closed after each test (graceful unless `abrupt`).
 */
export function useServers(closeOptions: CloseOptions = {}): StartServer {
  const started: AckwireServer[] = [];
  afterEach(async () => {
    await Promise.all(started.splice(0).map((server) => server.close(closeOptions)));
  });
  return async (options = {}) => {
    const server = await createServer({ host: '127.0.0.1', port: 0, ...options });
    started.push(server);
    return { server, url: `ws://127.0.0.1:${server.port}` };
  };
}

/**
 * A topic store (history of `size`, one epoch) whose deferred fan-out slices run only when the
 * test calls `runSlices()`.
 */
export function storeWithManualSlices(size: number, epoch: string) {
  const queued: Array<() => void> = [];
  const store = new TopicStore(
    { size, ttlMs: 60_000 },
    () => epoch,
    (fn) => queued.push(fn),
  );
  const runSlices = (): void => {
    while (queued.length > 0) queued.shift()!();
  };
  return { store, runSlices };
}
