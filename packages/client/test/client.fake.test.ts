/** The client under an injected clock and a hand-driven socket: timing rules, exactly. */
import { beforeEach, describe, expect, it } from 'vitest';
import {
  AckwireClient,
  type ClientOptions,
  type RetryInfo,
  type StateChange,
} from '../src/index.js';
import { FakeClock } from './fake-clock.js';
import { FakeLifecycle, FakeSocket } from './fake-socket.js';

const tick = () => new Promise((r) => setTimeout(r, 0));

async function setup(options: ClientOptions = {}) {
  const clock = new FakeClock();
  const lifecycle = new FakeLifecycle();
  const client = new AckwireClient('ws://example.test/rt', {
    WebSocket: FakeSocket,
    clock,
    random: () => 0,
    lifecycle,
    receiptTimeoutMs: 2000,
    ...options,
  });
  const states: StateChange[] = [];
  const retries: RetryInfo[] = [];
  const errors: string[] = [];
  client.on('state', (s) => states.push(s));
  client.on('retry', (r) => retries.push(r));
  client.on('error', (e) => errors.push(e.code));
  await tick(); // autoConnect runs on a microtask; auth resolution awaits once
  return { clock, lifecycle, client, states, retries, errors };
}

async function openSession(hb?: { interval: number; timeout: number }): Promise<FakeSocket> {
  await tick();
  const s = FakeSocket.last;
  s.open();
  s.welcome(hb);
  return s;
}

beforeEach(() => {
  FakeSocket.instances = [];
});

describe('heartbeat through the client', () => {
  it('pings after interval and replaces a silent link at interval + timeout, without waiting for its close event', async () => {
    const { clock, client, states } = await setup();
    const s1 = await openSession({ interval: 1000, timeout: 500 });
    clock.advance(999);
    expect(s1.ofKind('ping')).toHaveLength(0);
    clock.advance(1);
    expect(s1.ofKind('ping')).toHaveLength(1);
    clock.advance(499);
    expect(client.state).toBe('open');
    clock.advance(1);
    expect(states.at(-1)).toMatchObject({
      from: 'open',
      to: 'reconnecting',
      reason: 'heartbeat-timeout',
      code: 4008,
    });
    expect(s1.terminated).toBe(true);
    // Backoff with random 0 -> the next attempt starts at once, before s1 ever closes.
    clock.advance(0);
    await tick();
    expect(FakeSocket.instances).toHaveLength(2);
    // Late events from the stale socket are ignored.
    s1.welcome();
    s1.serverClose(1006);
    expect(client.state).toBe('reconnecting');
  });

  it('does not disconnect while traffic arrives even if timers fire only every 60 s', async () => {
    const { clock, client } = await setup();
    const s = await openSession({ interval: 25_000, timeout: 10_000 });
    clock.throttleMs = 60_000;
    for (let i = 0; i < 120; i++) {
      clock.advance(5_000);
      s.receive({ k: 'push', type: 'tick' });
    }
    expect(client.state).toBe('open');
    expect(FakeSocket.instances).toHaveLength(1);
  });

  it('counts protocol-level pings (ws) as liveness, and detaches from them', async () => {
    const { clock, client } = await setup();
    const s = await openSession({ interval: 1000, timeout: 500 });
    for (let i = 0; i < 20; i++) {
      clock.advance(400);
      s.protocolPing();
    }
    expect(client.state).toBe('open');
    await Promise.all([client.close(), Promise.resolve().then(() => clock.advance(1000))]);
    s.protocolPing(); // detached: nothing happens
    expect(client.state).toBe('closed');
  });

  it('measures rtt from pong', async () => {
    const { clock, client } = await setup();
    const s = await openSession({ interval: 1000, timeout: 500 });
    clock.advance(1000);
    const ping = s.ofKind('ping')[0]!;
    clock.advance(42);
    s.receive({ k: 'pong', ts: ping.ts });
    expect(client.stats().rtt).toBe(42);
  });
});

describe('lifecycle hooks', () => {
  it('probes at once when the page becomes visible and after a long idle before sending', async () => {
    const { clock, lifecycle, client } = await setup();
    const s = await openSession({ interval: 10_000, timeout: 5_000 });
    clock.advance(3_000);
    lifecycle.fire('doc:visibilitychange');
    expect(s.ofKind('ping')).toHaveLength(1);
    s.receive({ k: 'pong', ts: 0 });
    // A background tab: timers are throttled, so the heartbeat's own check is late.
    clock.throttleMs = 60_000;
    clock.advance(15_000);
    expect(s.ofKind('ping')).toHaveLength(1);
    void client.send('x', 1).catch(() => {});
    expect(s.ofKind('ping')).toHaveLength(2);
  });

  it('pauses reconnect attempts while offline and resumes at once on online', async () => {
    const { clock, lifecycle, client } = await setup({ backoffBaseMs: 1000 });
    const s = await openSession();
    lifecycle.fire('offline');
    s.serverClose(1006);
    clock.advance(60_000);
    await tick();
    expect(FakeSocket.instances).toHaveLength(1);
    lifecycle.fire('online');
    await tick();
    expect(FakeSocket.instances).toHaveLength(2);
    const closing = client.close();
    clock.advance(1000); // the close handshake never completes on a fake socket
    await closing;
    expect(lifecycle.listenerCount).toBe(0);
  });
});

describe('reconnect and backoff', () => {
  it('grows the backoff until a welcome, and resets it only then', async () => {
    const { clock, retries } = await setup({
      backoffBaseMs: 100,
      backoffCapMs: 1000,
      random: () => 0.999,
    });
    for (let i = 0; i < 5; i++) {
      await tick();
      FakeSocket.last.open(); // socket opens, but the session does not
      FakeSocket.last.serverClose(1006);
      clock.advance(2000);
    }
    expect(retries.map((r) => r.attempt)).toEqual([0, 1, 2, 3, 4]);
    expect(retries.map((r) => r.delayMs)).toEqual([99, 199, 399, 799, 999]);
    await openSession();
    FakeSocket.last.serverClose(1006);
    expect(retries.at(-1)).toMatchObject({ attempt: 0, delayMs: 99 });
  });

  it('gives up after connectTimeoutMs without a welcome and retries', async () => {
    const { clock, errors } = await setup({ connectTimeoutMs: 3000 });
    await tick();
    FakeSocket.last.open();
    clock.advance(3000);
    expect(errors).toEqual(['CONNECT_TIMEOUT']);
    expect(FakeSocket.instances[0]!.terminated).toBe(true);
    clock.advance(0);
    await tick();
    expect(FakeSocket.instances).toHaveLength(2);
  });
});

describe('auth', () => {
  it('gives a token provider that never answers connectTimeoutMs, then asks again', async () => {
    let calls = 0;
    const { clock, errors } = await setup({
      connectTimeoutMs: 3000,
      auth: () => {
        calls++;
        return calls === 1 ? new Promise<string>(() => {}) : 'fresh';
      },
    });
    expect(FakeSocket.instances).toHaveLength(0);
    clock.advance(3000);
    expect(errors).toEqual(['CONNECT_TIMEOUT']);
    clock.advance(0);
    await tick();
    expect(calls).toBe(2);
    expect(FakeSocket.instances).toHaveLength(1);
    FakeSocket.last.open();
    expect(FakeSocket.last.ofKind('hello')[0]?.token).toBe('fresh');
  });

  it('reports AUTH_FAILED and retries with backoff when the provider throws', async () => {
    let calls = 0;
    const { clock, errors } = await setup({
      auth: () => {
        if (++calls === 1) throw new Error('token service down');
        return 'ok';
      },
    });
    expect(errors).toEqual(['AUTH_FAILED']);
    clock.advance(0);
    await tick();
    expect(FakeSocket.instances).toHaveLength(1);
  });
});

describe('receipts and deadlines', () => {
  it('treats an overdue receipt first as a liveness probe, then asks again with the same id', async () => {
    const { clock, client } = await setup();
    const s = await openSession({ interval: 60_000, timeout: 1_000 });
    const p = client.send('x', 1);
    expect(s.ofKind('msg').map((m) => m.id)).toEqual([1]);
    clock.advance(2000);
    expect(s.ofKind('ping')).toHaveLength(1);
    s.receive({ k: 'pong', ts: clock.now() });
    clock.advance(2000);
    expect(s.ofKind('msg').map((m) => m.id)).toEqual([1, 1]);
    s.receive({ k: 'ack', id: 1, ok: true, data: 'ok' });
    await expect(p).resolves.toEqual({ id: 1, data: 'ok', attempts: 2 });
  });

  it('rejects with TIMEOUT at the deadline, clamped to the server ttl', async () => {
    const { clock, client } = await setup({ sendTimeoutMs: 60_000 });
    await openSession({ interval: 600_000, timeout: 600_000 });
    FakeSocket.last.welcome(); // ignored: a second welcome on one socket
    const p = client.send('x', 1, { timeoutMs: 5_000 });
    const settled = p.catch((e: unknown) => e);
    clock.advance(5_000);
    await expect(settled).resolves.toMatchObject({ code: 'TIMEOUT' });
  });

  it('clamps sendTimeoutMs to welcome.ttl', async () => {
    const { clock, client } = await setup({ sendTimeoutMs: 60_000 });
    const p = client.send('x', 1).catch((e: unknown) => e);
    await tick();
    FakeSocket.last.open();
    FakeSocket.last.welcome({ interval: 600_000, timeout: 600_000 }, { ttl: 10_000 });
    clock.advance(10_000);
    await expect(p).resolves.toMatchObject({ code: 'TIMEOUT' });
  });
});

describe('flow control', () => {
  it('stops writing above the high-water mark and resumes at the low-water mark with drain', async () => {
    const { clock, client } = await setup({ highWaterMark: 1000, lowWaterMark: 100 });
    const s = await openSession({ interval: 600_000, timeout: 600_000 });
    let drained = 0;
    client.on('drain', () => drained++);
    s.bufferedAmount = 5000;
    void client.send('a', 1).catch(() => {});
    expect(s.ofKind('msg')).toHaveLength(0);
    expect(client.sendVolatile('v', 1)).toBe(false);
    expect(client.bufferedAmount).toBeGreaterThan(5000);
    const room = client.waitForRoom();
    s.bufferedAmount = 500;
    clock.advance(100);
    expect(s.ofKind('msg')).toHaveLength(0);
    s.bufferedAmount = 50;
    clock.advance(100);
    expect(s.ofKind('msg')).toHaveLength(1);
    await expect(room).resolves.toBeUndefined();
    expect(drained).toBe(1);
  });

  it('refuses with QUEUE_FULL when full and emits drain when room returns', async () => {
    const { client } = await setup({ maxQueue: 2 });
    const s = await openSession({ interval: 600_000, timeout: 600_000 });
    let drained = 0;
    client.on('drain', () => drained++);
    const a = client.send('a', 1);
    void client.send('b', 2);
    await expect(client.send('c', 3)).rejects.toMatchObject({ code: 'QUEUE_FULL' });
    s.receive({ k: 'ack', id: 1, ok: true });
    await a;
    expect(drained).toBe(1);
  });

  it('evicts the oldest queued message with DROPPED under drop-oldest', async () => {
    const { client } = await setup({ maxQueue: 2, overflow: 'drop-oldest', autoConnect: false });
    const first = client.send('a', 1);
    void client.send('b', 2);
    void client.send('c', 3);
    await expect(first).rejects.toMatchObject({ code: 'DROPPED' });
  });
});

describe('teardown', () => {
  it('leaves no timer behind after close()', async () => {
    const { clock, client } = await setup();
    await openSession();
    void client.send('x', 1).catch(() => {});
    const closing = client.close();
    FakeSocket.last.serverClose(1000);
    await closing;
    expect(clock.timerCount).toBe(0);
  });
});
