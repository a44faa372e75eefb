/**
 * Runner: the reconnect storm (issue 8). Clients with the default backoff are connected and
 * subscribed to two topics each; the server process is killed with SIGKILL and started again on
 * the same port. Passes when every client is open and resubscribed, the server holds exactly
 * one connection per client id and one subscription per client and topic, and no 100 ms window
 * holds more than 5 % of the reconnect attempts. Attempts are counted twice: as scheduled by
 * each client (`retry` events: now + delayMs), which is what the client's backoff controls and
 * what the verdict uses, and as observed at the proxy (TCP connects, refused ones included),
 * which also shows the harness: 2,000 clients share one event loop here, so timers that fall
 * due while it is busy fire together, a clumping a fleet of real devices does not have.
 * Alone: `pnpm -C chaos run storm [--seed=N] [--clients=N]`.
 */
import { DEFAULT_CLIENT_OPTIONS } from '@ackwire/client';
import { peakWindowShare } from '@ackwire/test-utils';
import { closeAll, newClient, sleep, waitUntil, type Watched } from './harness.js';
import { startProxy } from './proxy.js';
import { isMain, numberArg, runAll, type RunnerResult } from './runner.js';
import type { ChildStats } from './server-ipc.js';
import { ServerProcess } from './server-child.js';

/** Width of the window in which attempts are counted. */
export const STORM_WINDOW_MS = 100;
/** Largest share of attempts allowed in any window. */
export const STORM_PEAK_LIMIT = 0.05;

export { peakWindowShare };

/** Options of a storm run. */
export interface StormOptions {
  clients?: number;
  topics?: number;
  /** Client options on top of the chaos defaults; the storm uses the client's default backoff. */
  backoffBaseMs?: number;
  backoffCapMs?: number;
  /** Longest wait for everyone to come back. */
  recoveryTimeoutMs?: number;
}

/** Runs the storm and reports one line. */
export async function runStorm(seed: number, options: StormOptions = {}): Promise<RunnerResult> {
  const count = options.clients ?? 2000;
  const topicCount = options.topics ?? 5;
  const recoveryTimeoutMs = options.recoveryTimeoutMs ?? 90_000;
  const server = await ServerProcess.start({
    port: 0,
    options: {
      maxConnectionsPerIp: 10_000,
      maxConnections: 20_000,
      rateLimitPerSecond: 100_000,
      rateLimitBurst: 100_000,
      helloTimeoutMs: 60_000,
      heartbeatIntervalMs: 10_000,
      heartbeatTimeoutMs: 10_000,
    },
  });
  const attempts: number[] = [];
  const scheduled: number[] = [];
  let counting = false;
  const proxy = await startProxy({
    upstream: { host: '127.0.0.1', port: server.port },
    seed,
    onConnection: () => {
      if (counting) attempts.push(Date.now());
    },
  });
  const clients: Watched[] = [];
  const resubscribed = new Map<string, number>();
  try {
    const clientOptions = {
      backoffBaseMs: options.backoffBaseMs ?? DEFAULT_CLIENT_OPTIONS.backoffBaseMs,
      backoffCapMs: options.backoffCapMs ?? DEFAULT_CLIENT_OPTIONS.backoffCapMs,
      connectTimeoutMs: 30_000,
      heartbeatIntervalMs: 10_000,
    };
    // Connect in batches, so the first connections are not a storm of their own.
    for (let i = 0; i < count; i += 100) {
      const batch: Watched[] = [];
      for (let j = i; j < Math.min(count, i + 100); j++) {
        const topics = [`storm:${j % topicCount}`, `storm:${(j + 1) % topicCount}`];
        const w = newClient(proxy.url('/rt'), `chaos-storm-${seed}-${j}`, topics, clientOptions);
        w.client.on('retry', (info) => {
          if (counting) scheduled.push(Date.now() + info.delayMs);
        });
        batch.push(w);
      }
      clients.push(...batch);
      await waitUntil(() => batch.every((c) => c.subscribedOnce()), 60_000, 'a batch subscribed');
    }
    const before = await server.call<ChildStats>({ cmd: 'stats' });
    for (const c of clients) {
      for (const items of c.streams.values()) items.length = 0;
    }
    const killedAt = Date.now();
    counting = true;
    await server.kill9();
    await server.restart();
    const back = (c: Watched): boolean =>
      c.client.state === 'open' &&
      [...c.streams.values()].every((items) => items.some((i) => i.t === 'subscribed'));
    let recoveredAt = Number.NaN;
    await waitUntil(() => clients.every(back), recoveryTimeoutMs, 'every client resubscribed')
      .then(() => (recoveredAt = Date.now()))
      .catch(() => undefined);
    // Late duplicates would show up now: give them a moment, then count on the server.
    await sleep(500);
    counting = false;
    const after = await server.call<ChildStats>({ cmd: 'stats' });
    for (const c of clients) resubscribed.set(c.cid, c.streams.size);
    const ready = clients.filter(back).length;
    const peak = peakWindowShare(scheduled, STORM_WINDOW_MS);
    const observedPeak = peakWindowShare(attempts, STORM_WINDOW_MS);
    const expectedSubs = count * 2;
    const census = after.census;
    const exact =
      census.connections === count &&
      census.cids === count &&
      census.duplicateCids === 0 &&
      after.server.subscriptions === expectedSubs;
    const ok = ready === count && exact && peak <= STORM_PEAK_LIMIT && server.unexpectedExits === 0;
    return {
      name: 'storm',
      ok,
      summary:
        `${ready}/${count} clients open and resubscribed ${Number.isNaN(recoveredAt) ? 'never' : `${((recoveredAt - killedAt) / 1000).toFixed(1)} s`} after kill -9;` +
        ` server holds ${census.connections} connections, ${census.cids} client ids (${census.duplicateCids} doubled),` +
        ` ${after.server.subscriptions}/${expectedSubs} subscriptions (before: ${before.server.subscriptions});` +
        ` ${scheduled.length} attempts scheduled (${(scheduled.length / count).toFixed(2)} per client),` +
        ` peak ${(peak * 100).toFixed(1)}% in ${STORM_WINDOW_MS} ms (limit ${STORM_PEAK_LIMIT * 100}%);` +
        ` observed at the proxy ${attempts.length}, peak ${(observedPeak * 100).toFixed(1)}%;` +
        ` backoff base ${clientOptions.backoffBaseMs} ms, cap ${clientOptions.backoffCapMs} ms`,
      details: [
        ...(peak > STORM_PEAK_LIMIT
          ? [
              `scheduled attempts peak over the limit: the first retry after a crash (1006, no goaway) is drawn from [0, backoffBaseMs)`,
            ]
          : []),
        ...(exact
          ? []
          : [`census: ${JSON.stringify(census)}, subscriptions ${after.server.subscriptions}`]),
      ],
    };
  } finally {
    await closeAll(clients);
    await proxy.close();
    await server.stop();
  }
}

if (isMain(import.meta.url)) {
  await runAll([
    (seed) =>
      runStorm(seed, {
        ...(numberArg('clients') !== undefined && { clients: numberArg('clients')! }),
        ...(numberArg('backoff-base') !== undefined && {
          backoffBaseMs: numberArg('backoff-base')!,
        }),
      }),
  ]);
}
