/** Wall-clock liveness (docs/protocol.md §4), through the client with a fake clock and socket. */
import { beforeEach, describe, expect, it } from 'vitest';
import { AckwireClient, type StateChange } from '../src/index.js';
import { FakeClock } from './fake-clock.js';
import { FakeLifecycle, FakeSocket } from './fake-socket.js';

const tick = () => new Promise((r) => setTimeout(r, 0));

/** A client with an open session whose heartbeat is `interval` / `timeout`. */
async function setup(interval = 25_000, timeout = 10_000) {
  const clock = new FakeClock();
  const client = new AckwireClient('ws://example.test/rt', {
    WebSocket: FakeSocket,
    clock,
    random: () => 0.5,
    lifecycle: new FakeLifecycle(),
    receiptTimeoutMs: 600_000,
  });
  const deaths: number[] = [];
  client.on('state', (s: StateChange) => {
    if (s.reason === 'heartbeat-timeout') deaths.push(clock.now());
  });
  await tick();
  await tick();
  const s = FakeSocket.last;
  s.open();
  s.welcome({ interval, timeout });
  const start = clock.now();
  const pings = () => s.ofKind('ping').map((p) => p.ts);
  return { clock, client, s, pings, deaths, start };
}

beforeEach(() => {
  FakeSocket.instances = [];
});

describe('heartbeat', () => {
  it('pings after interval of silence and declares the link dead at interval + timeout', async () => {
    const { clock, pings, deaths, start } = await setup();
    clock.advance(24_999);
    expect(pings()).toEqual([]);
    clock.advance(1);
    expect(pings()).toEqual([start + 25_000]);
    clock.advance(9_999);
    expect(deaths).toEqual([]);
    clock.advance(1);
    expect(deaths).toEqual([start + 35_000]);
  });

  it('stays alive while frames arrive, without pinging', async () => {
    const { clock, s, pings, deaths } = await setup();
    for (let i = 0; i < 100; i++) {
      clock.advance(10_000);
      s.receive({ k: 'push', type: 'tick' });
    }
    expect(pings()).toEqual([]);
    expect(deaths).toEqual([]);
  });

  it('does not disconnect when timers fire only every 60 s while traffic arrives', async () => {
    const { clock, s, deaths } = await setup();
    clock.throttleMs = 60_000;
    // Server traffic every 5 s for 10 minutes; our timers are throttled to once a minute.
    for (let i = 0; i < 120; i++) {
      clock.advance(5_000);
      s.receive({ k: 'push', type: 'tick' });
    }
    expect(deaths).toEqual([]);
  });

  it('does not condemn an idle throttled tab without asking: a late check pings first', async () => {
    const { clock, s, pings, deaths } = await setup();
    clock.throttleMs = 60_000;
    for (let i = 0; i < 10; i++) {
      const before = pings().length;
      clock.advance(60_000);
      if (pings().length > before) {
        clock.advance(50); // the pong arrives 50 ms later
        s.receive({ k: 'pong', ts: pings().at(-1)! });
      }
    }
    expect(pings().length).toBeGreaterThan(0);
    expect(deaths).toEqual([]);
  });

  it('declares a slept laptop dead on the first check after wake', async () => {
    const { clock, pings, deaths } = await setup();
    clock.advance(25_000);
    expect(pings()).toHaveLength(1);
    // The machine sleeps for an hour: no timer runs, then the overdue timer fires on wake.
    clock.throttleMs = 3_600_000;
    clock.advance(3_600_000);
    expect(deaths).toHaveLength(1);
  });

  it('probes at once on demand and declares dead after timeout without an answer', async () => {
    const { clock, client, pings, deaths } = await setup(25_000, 10_000);
    clock.advance(25_000 - 1);
    // A send after a long idle probes (issue 4); a second one does not send a second ping.
    clock.advance(1);
    expect(pings()).toHaveLength(1);
    void client.send('x', 1).catch(() => {});
    void client.send('y', 2).catch(() => {});
    expect(pings()).toHaveLength(1);
    clock.advance(10_000);
    expect(deaths).toHaveLength(1);
  });

  it('a probe answered in time keeps the link, and measures rtt', async () => {
    const { clock, client, s, pings, deaths } = await setup(1_000, 10_000);
    clock.advance(1_000);
    clock.advance(100);
    s.receive({ k: 'pong', ts: pings()[0]! });
    clock.advance(5_000);
    expect(deaths).toEqual([]);
    expect(client.stats().rtt).toBe(100);
  });

  it('adopts the server settings from welcome', async () => {
    const { clock, pings } = await setup(300, 300);
    clock.advance(300);
    expect(pings()).toHaveLength(1);
  });

  it('does nothing after close, and leaves no timer', async () => {
    const { clock, client, s, pings, deaths } = await setup();
    const closing = client.close();
    s.serverClose(1000);
    await closing;
    clock.advance(100_000);
    expect(pings()).toEqual([]);
    expect(deaths).toEqual([]);
    expect(clock.timerCount).toBe(0);
  });

  it('keeps one timer, armed for the nearest deadline, however many messages are pending', async () => {
    const { clock, client } = await setup();
    for (let i = 0; i < 50; i++) void client.send('x', i).catch(() => {});
    expect(clock.timerCount).toBe(1);
  });
});
