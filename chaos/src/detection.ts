/**
 * Runner: dead-link detection (issue 8). Open clients are cut off by a blackhole in the proxy
 * (both directions, bytes dropped, no FIN, no RST: a half-open link). Each trial passes when the
 * client notices within heartbeat interval + timeout + 10 %, the server within interval +
 * timeout + one sweep period + 10 %, and the client is open again on a fresh link afterwards.
 * Alone: `pnpm -C chaos run detection [--seed=N] [--trials=N]`.
 */
import type { StateChange } from '@ackwire/client';
import { nearestRank } from '@ackwire/test-utils';
import { newClient, sleep, waitUntil, type Watched, closeAll } from './harness.js';
import { startProxy } from './proxy.js';
import { createRng } from './rng.js';
import { isMain, runAll, type RunnerResult } from './runner.js';
import { ServerProcess } from './server-child.js';

/** Heartbeat settings of the run (`welcome.hb`, which clients adopt). */
export const DETECTION_HEARTBEAT = Object.freeze({ intervalMs: 1000, timeoutMs: 1000 });

/** Clients blackholed at once; trials run in rounds of this many. */
const ROUND = 25;

/** Runs `trials` blackhole trials and reports one line. */
export async function runDetection(
  seed: number,
  trials = 100,
  { slack = 0.1 }: { slack?: number } = {},
): Promise<RunnerResult> {
  const rng = createRng(seed ^ 0x44455445);
  const { intervalMs, timeoutMs } = DETECTION_HEARTBEAT;
  // The server's sweep runs every quarter of its shortest deadline (packages/server heartbeat.ts).
  const sweepMs = Math.min(1000, Math.floor(Math.min(intervalMs, timeoutMs) / 4));
  const clientBound = Math.round((intervalMs + timeoutMs) * (1 + slack));
  const serverBound = Math.round((intervalMs + timeoutMs + sweepMs) * (1 + slack));
  const server = await ServerProcess.start({
    port: 0,
    options: { heartbeatIntervalMs: intervalMs, heartbeatTimeoutMs: timeoutMs },
  });
  const proxy = await startProxy({ upstream: { host: '127.0.0.1', port: server.port }, seed });
  const clientTimes: number[] = [];
  const serverTimes: number[] = [];
  const failures: string[] = [];
  let reconnected = 0;
  try {
    for (let done = 0; done < trials;) {
      const size = Math.min(ROUND, trials - done);
      const clients: Watched[] = [];
      const detectedAt = new Map<string, number>();
      for (let i = 0; i < size; i++) {
        const w = newClient(proxy.url('/rt'), `chaos-detect-${seed}-${done + i}`, [], {
          connectTimeoutMs: 1000,
        });
        w.client.on('state', (change: StateChange) => {
          if (change.reason === 'heartbeat-timeout' && !detectedAt.has(w.cid)) {
            detectedAt.set(w.cid, Date.now());
          }
        });
        clients.push(w);
      }
      try {
        await waitUntil(
          () => clients.every((c) => c.client.state === 'open'),
          20_000,
          'clients open',
        );
        await server.call({ cmd: 'dead-peers' }); // forget earlier rounds
        // Each client last hears from the server at its own random moment before the cut (an
        // echo), so the trials do not share one heartbeat phase.
        for (const c of clients) {
          const timer = setTimeout(
            () => void c.client.send('echo', 1).catch(() => undefined),
            rng.int(intervalMs),
          );
          timer.unref();
        }
        await sleep(intervalMs + 20);
        // New links are blackholed too until the server had its chance: a client that got
        // through at once would take its old session over before the server's own deadline.
        const cutAt = Date.now();
        proxy.setMode('blackhole', { blackhole: 'drop' });
        await sleep(Math.max(clientBound, serverBound) + 100);
        const dead = await server.call<{ cid: string; at: number }[]>({ cmd: 'dead-peers' });
        proxy.setMode('pass');
        await waitUntil(
          () => clients.every((c) => c.client.state === 'open'),
          (intervalMs + timeoutMs) * 10,
          'reconnect',
        ).catch(() => undefined);
        for (const c of clients) {
          const at = detectedAt.get(c.cid);
          const serverAt = dead.find((d) => d.cid === c.cid)?.at;
          if (c.client.state === 'open') reconnected++;
          const clientMs = at === undefined ? Number.POSITIVE_INFINITY : at - cutAt;
          const serverMs = serverAt === undefined ? Number.POSITIVE_INFINITY : serverAt - cutAt;
          clientTimes.push(clientMs);
          serverTimes.push(serverMs);
          if (clientMs > clientBound || serverMs > serverBound || c.client.state !== 'open') {
            failures.push(
              `${c.cid}: client ${clientMs} ms, server ${serverMs} ms, state ${c.client.state}`,
            );
          }
        }
      } finally {
        await closeAll(clients);
      }
      done += size;
    }
  } finally {
    await proxy.close();
    await server.stop();
  }
  const c = [...clientTimes].sort((a, b) => a - b);
  const s = [...serverTimes].sort((a, b) => a - b);
  const passed = trials - failures.length;
  return {
    name: 'detection',
    ok: failures.length === 0 && server.unexpectedExits === 0,
    summary:
      `${passed}/${trials} blackholes detected in bound; client p50 ${nearestRank(c, 0.5)} ms,` +
      ` max ${c[c.length - 1]} ms (bound ${clientBound} = interval ${intervalMs} + timeout ${timeoutMs} + ${Math.round(slack * 100)}%);` +
      ` server p50 ${nearestRank(s, 0.5)} ms, max ${s[s.length - 1]} ms (bound ${serverBound} = interval + timeout` +
      ` + sweep ${sweepMs} + ${Math.round(slack * 100)}%); ${reconnected}/${trials} open again`,
    details: failures,
  };
}

if (isMain(import.meta.url)) {
  const arg = process.argv.find((a) => a.startsWith('--trials='));
  await runAll([(seed) => runDetection(seed, arg ? Number(arg.slice(9)) : 100)]);
}
