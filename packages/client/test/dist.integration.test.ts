/**
 * The shipped builds, not the source: `dist/index.js` (ESM) and `dist/ackwire.umd.min.js` go
 * through one full cycle against the real test server. Internal members are renamed at build
 * time (scripts/rollup-lib.mjs), so this proves the renaming kept every build whole: connect,
 * send with its receipt, request, subscribe with delivery, a dropped link with the re-send and
 * the resubscribe, stats, close. Skipped until `pnpm build` made the files.
 */
import { existsSync, readFileSync } from 'node:fs';
import { runInThisContext } from 'node:vm';
import { afterEach, describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import { startTestServer, type TestServer } from '@ackwire/test-server';
import type * as ClientModule from '../src/index.js';

const esmPath = new URL('../dist/index.js', import.meta.url);
const umdPath = new URL('../dist/ackwire.umd.min.js', import.meta.url);
const built = existsSync(esmPath) && existsSync(umdPath);

type Lib = typeof ClientModule;

const builds: [string, () => Promise<Lib>][] = [
  ['dist/index.js (ESM)', async () => (await import(/* @vite-ignore */ esmPath.href)) as Lib],
  ['dist/ackwire.umd.min.js (UMD)', async () => loadUmd()],
];

/** Runs the UMD as a `<script>` tag would: it defines the global `Ackwire`. */
function loadUmd(): Lib {
  const g = globalThis as { Ackwire?: Lib };
  runInThisContext(readFileSync(umdPath, 'utf8'), { filename: umdPath.pathname });
  const lib = g.Ackwire!;
  delete g.Ackwire;
  return lib;
}

const servers: TestServer[] = [];
const closers: (() => Promise<void>)[] = [];

afterEach(async () => {
  await Promise.all(closers.splice(0).map((c) => c()));
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

describe.skipIf(!built)('the built bundles against the test server', () => {
  it.each(builds)('%s: connects, sends, subscribes, survives a drop, closes', async (_, load) => {
    const { AckwireClient } = await load();
    const ts = await startTestServer({
      port: 0,
      serverOptions: { heartbeatIntervalMs: 300, heartbeatTimeoutMs: 300 },
    });
    servers.push(ts);
    const options = {
      WebSocket,
      backoffBaseMs: 20,
      backoffCapMs: 200,
      receiptTimeoutMs: 300,
      lifecycle: null,
    };
    const client = new AckwireClient(ts.url, options);
    const publisher = new AckwireClient(ts.url, options);
    closers.push(
      () => client.close(),
      () => publisher.close(),
    );
    const states: string[] = [];
    client.on('state', (s) => states.push(s.to));

    await client.ready();
    expect(client.state).toBe('open');
    await expect(client.send('echo', { n: 1 })).resolves.toMatchObject({ id: 1, attempts: 1 });
    await expect(client.request('echo', 'hi')).resolves.toBe('hi');

    const got: unknown[] = [];
    const sub = client.subscribe('room:dist', (data) => got.push(data));
    await new Promise((r) => sub.on('subscribed', r));
    await publisher.publish('room:dist', 'a');
    await vi.waitFor(() => expect(got).toEqual(['a']));

    // A dropped link: the pending message is re-sent with its id, the topic resubscribed.
    const pending = client.send('echo', { n: 2 });
    ts.faults.dropAll();
    // Ids: 1 and 2 above, 3 the subscription's `sub`.
    await expect(pending).resolves.toMatchObject({ id: 4, data: { n: 2 } });
    await client.ready();
    await publisher.publish('room:dist', 'b');
    await vi.waitFor(() => expect(got).toEqual(['a', 'b']));
    expect(states).toContain('reconnecting');

    const stats = client.stats();
    expect(stats).toMatchObject({ state: 'open', queued: 0, inFlight: 0 });
    expect(stats.framesIn).toBeGreaterThan(0);
    expect(stats.bytesOut).toBeGreaterThan(0);
    expect(client.sendVolatile('echo', 1)).toBe(true);
    await client.close();
    expect(client.state).toBe('closed');
    await expect(client.send('echo', 1)).rejects.toMatchObject({ code: 'CLOSED' });
  });
});
