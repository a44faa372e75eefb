/**
 * Client (with `ws`) against the real test server on port 0 (127.0.0.1). Short heartbeats,
 * generous bounds, seeded randomness for when faults strike.
 */
import { describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import { AckwireClient, type StateChange } from '../src/index.js';
import { startBlackholeProxy } from './blackhole-proxy.js';
import { liveServers } from './live-server.js';
import { seededRandom } from './fake-clock.js';

const { server, client, track } = liveServers();

describe('against the test server', () => {
  it('sends, requests, and passes server error codes through', async () => {
    const ts = await server();
    const c = client(ts);
    await c.ready();
    expect(c.sessionInfo).toMatchObject({ heartbeat: { interval: 300, timeout: 300 } });
    await expect(c.send('echo', { text: 'hi' })).resolves.toMatchObject({
      data: { text: 'hi' },
      attempts: 1,
    });
    await expect(c.request('math.add', { a: 1, b: 2 }, { timeoutMs: 5000 })).resolves.toBe(3);
    await expect(c.request('fail', { code: 'NOPE' })).rejects.toMatchObject({
      name: 'ServerError',
      code: 'NOPE',
    });
    await expect(c.request('no.such.type')).rejects.toMatchObject({ code: 'UNKNOWN_TYPE' });
    const bytes = new Uint8Array([0, 1, 2, 255]);
    await expect(c.request('echo', bytes)).resolves.toEqual(bytes);
  });

  it('stops with AUTH_REJECTED when the server refuses a static token', async () => {
    const ts = await server();
    ts.faults.rejectAuth(true);
    const c = client(ts, { auth: 'token' });
    const states: StateChange[] = [];
    c.on('state', (s) => states.push(s));
    const errors: string[] = [];
    c.on('error', (e) => errors.push(e.code));
    await expect(c.ready()).rejects.toMatchObject({ code: 'CLOSED' });
    expect(errors).toContain('AUTH_REJECTED');
    expect(states.at(-1)).toMatchObject({ to: 'closed', reason: 'auth-rejected', code: 4001 });
  });

  it('refuses a server that does not speak ackwire.v1 with VERSION_UNSUPPORTED', async () => {
    const { WebSocketServer } = await import('ws');
    const wss = new WebSocketServer({ port: 0, host: '127.0.0.1', handleProtocols: () => false });
    await new Promise((r) => wss.once('listening', r));
    const port = (wss.address() as { port: number }).port;
    const c = new AckwireClient(`ws://127.0.0.1:${port}/rt`, {
      WebSocket: WebSocket,
      lifecycle: null,
    });
    track(c);
    const errors: string[] = [];
    c.on('error', (e) => errors.push(e.code));
    await expect(c.ready()).rejects.toMatchObject({ code: 'CLOSED' });
    expect(errors).toEqual(['VERSION_UNSUPPORTED']);
    await new Promise((r) => wss.close(r));
  });

  it('detects a half-open link and replaces it within interval + timeout', async () => {
    const ts = await server();
    const proxy = await startBlackholeProxy(ts.port);
    try {
      const c = client(ts, {}, `ws://127.0.0.1:${proxy.port}/rt`);
      await c.ready();
      await c.send('echo', 1);
      const changes: (StateChange & { at: number })[] = [];
      c.on('state', (s) => changes.push({ ...s, at: Date.now() }));
      const lastByteAt = Date.now(); // the echo receipt just arrived
      proxy.blackhole();
      await vi.waitFor(() => expect(c.stats().reconnects).toBe(1), { timeout: 10_000 });
      const lost = changes.find((s) => s.to === 'reconnecting');
      expect(lost).toMatchObject({ reason: 'heartbeat-timeout', code: 4008 });
      // interval + timeout = 600 ms after the last byte; generous slack for a loaded machine.
      const detectMs = lost!.at - lastByteAt;
      expect(detectMs).toBeLessThan(600 + 1500);
      await expect(c.request('math.add', { a: 2, b: 2 })).resolves.toBe(4);
      console.log(
        `half-open link detected ${detectMs} ms after the last byte (interval + timeout = 600 ms)`,
      );
    } finally {
      await proxy.close();
    }
  });

  it('gets a withheld receipt by asking again on the live link', async () => {
    const ts = await server();
    const c = client(ts);
    await c.ready();
    ts.faults.withholdReceipts(1);
    const receipt = await c.send('record', { i: 1 });
    expect(receipt.attempts).toBe(2);
    expect(ts.faults.log()).toHaveLength(1);
    expect(c.stats().reconnects).toBe(0);
  });

  it('honours goaway on a graceful server close and reconnects after restart', async () => {
    const ts = await server();
    const c = client(ts);
    await c.ready();
    await ts.restart({ downMs: 50 });
    await vi.waitFor(() => expect(c.stats().reconnects).toBe(1), { timeout: 10_000 });
    await expect(c.request('math.add', { a: 1, b: 1 })).resolves.toBe(2);
  });

  it('waits out the rate-limit cooldown after a 1008, then delivers what it had queued', async () => {
    const cooldown = 500;
    const ts = await server({
      serverOptions: { rateLimitPerSecond: 10, rateLimitBurst: 5, rateLimitCooldownMs: cooldown },
    });
    const c = client(ts, { retryLaterJitterMs: 50 });
    const changes: StateChange[] = [];
    c.on('state', (s) => changes.push(s));
    const retries: number[] = [];
    c.on('retry', (r) => retries.push(r.delayMs));
    await c.ready();
    for (let k = 0; k < 40; k++) c.sendVolatile('echo', k);
    await vi.waitFor(() => expect(changes.some((s) => s.code === 1008)).toBe(true));
    expect(changes.find((s) => s.code === 1008)).toMatchObject({ reason: 'goaway' });
    // Told to stay away for the cooldown: the next attempt waits it (plus at most the jitter).
    expect(retries[0]).toBeGreaterThanOrEqual(cooldown);
    expect(retries[0]).toBeLessThan(cooldown + 50);
    const sent = c.send('echo', 'after the cooldown');
    await expect(sent).resolves.toMatchObject({ data: 'after the cooldown' });
    expect(c.stats().reconnects).toBe(1);
  });
});

describe('chaos: 2,000 sends through 20 drops and withheld receipts', () => {
  it('resolves every promise exactly once, and the server processes each id once, in order', async () => {
    const ts = await server();
    const random = seededRandom(2024);
    const c = client(ts, {
      maxQueue: 5000,
      maxQueueBytes: 16 << 20,
      maxInFlight: 32,
      random: seededRandom(7),
      sendTimeoutMs: 120_000,
    });
    const N = 2000;
    const DROPS = 20;
    // Each session is dropped once, after a seeded number of receipts (10 to 50), so each of
    // the 20 drops hits a live connection; receipts are withheld at seeded points too.
    const nextGap = (): number => 10 + Math.floor(random() * 40);
    let dropAfter = nextGap();
    let sinceOpen = 0;
    let armed = false;
    let drops = 0;
    let withheld = 0;
    c.on('open', () => {
      sinceOpen = 0;
      armed = true;
      dropAfter = nextGap();
    });
    const resolvedTimes = new Map<number, number>();
    const started = Date.now();
    const promises: Promise<void>[] = [];
    for (let i = 0; i < N; i++) {
      promises.push(
        c.send('record', { i }).then((r) => {
          resolvedTimes.set(i, (resolvedTimes.get(i) ?? 0) + 1);
          expect(r.data).toMatchObject({ n: expect.any(Number) });
          sinceOpen++;
          if (armed && drops < DROPS && sinceOpen >= dropAfter) {
            armed = false;
            drops++;
            if (drops % 2) ts.faults.dropAll();
            else ts.faults.closeAll(1011, 'chaos');
          } else if (random() < 0.01) {
            const n = 1 + Math.floor(random() * 3);
            withheld += n;
            ts.faults.withholdReceipts(n);
          }
        }),
      );
      if (i % 100 === 99) await new Promise((r) => setImmediate(r));
    }
    const results = await Promise.allSettled(promises);
    const elapsed = Date.now() - started;
    expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
    expect(resolvedTimes.size).toBe(N);
    expect([...resolvedTimes.values()].every((n) => n === 1)).toBe(true);
    expect(drops).toBe(DROPS);
    expect(c.stats().reconnects).toBe(DROPS);
    const log = ts.faults.log().filter((e) => e.cid === c.clientId);
    expect(log.map((e) => (e.data as { i: number }).i)).toEqual(
      Array.from({ length: N }, (_, i) => i),
    );
    expect(log.map((e) => e.id)).toEqual(Array.from({ length: N }, (_, i) => i + 1));
    console.log(
      `chaos: ${N} sends, ${drops} drops, ${withheld} receipts withheld, ${c.stats().reconnects} reconnects, ${elapsed} ms`,
    );
  }, 60_000);
});
