import { describe, expect, it } from 'vitest';
import { Heartbeat } from '../src/heartbeat.js';
import { FakeClock } from './fake-clock.js';

function setup(interval = 25_000, timeout = 10_000) {
  const clock = new FakeClock();
  const pings: number[] = [];
  const deaths: number[] = [];
  const hb = new Heartbeat(
    clock,
    { sendPing: (ts) => pings.push(ts), dead: () => deaths.push(clock.now()) },
    interval,
    timeout,
  );
  return { clock, hb, pings, deaths };
}

describe('heartbeat', () => {
  it('pings after interval of silence and declares the link dead at interval + timeout', () => {
    const { clock, hb, pings, deaths } = setup();
    const start = clock.now();
    hb.start();
    clock.advance(24_999);
    expect(pings).toEqual([]);
    clock.advance(1);
    expect(pings).toEqual([start + 25_000]);
    clock.advance(9_999);
    expect(deaths).toEqual([]);
    clock.advance(1);
    expect(deaths).toEqual([start + 35_000]);
  });

  it('stays alive while frames arrive, without pinging', () => {
    const { clock, hb, pings, deaths } = setup();
    hb.start();
    for (let i = 0; i < 100; i++) {
      clock.advance(10_000);
      hb.received();
    }
    expect(pings).toEqual([]);
    expect(deaths).toEqual([]);
  });

  it('does not disconnect when timers fire only every 60 s while traffic arrives', () => {
    const { clock, hb, deaths } = setup();
    clock.throttleMs = 60_000;
    hb.start();
    // Server traffic every 5 s for 10 minutes; our timers are throttled to once a minute.
    for (let i = 0; i < 120; i++) {
      clock.advance(5_000);
      hb.received();
    }
    expect(deaths).toEqual([]);
  });

  it('does not condemn an idle throttled tab without asking: a late check pings first', () => {
    const { clock, hb, pings, deaths } = setup();
    clock.throttleMs = 60_000;
    hb.start();
    for (let i = 0; i < 10; i++) {
      const before = pings.length;
      clock.advance(60_000);
      if (pings.length > before) {
        clock.advance(50); // the pong arrives 50 ms later
        hb.received();
      }
    }
    expect(pings.length).toBeGreaterThan(0);
    expect(deaths).toEqual([]);
  });

  it('declares a slept laptop dead on the first check after wake', () => {
    const { clock, hb, pings, deaths } = setup();
    hb.start();
    clock.advance(25_000);
    expect(pings).toHaveLength(1);
    // The machine sleeps for an hour: no timer runs, then the overdue timer fires on wake.
    clock.throttleMs = 3_600_000;
    clock.advance(3_600_000);
    expect(deaths).toHaveLength(1);
  });

  it('probes at once on demand and declares dead after timeout without an answer', () => {
    const { clock, hb, pings, deaths } = setup();
    hb.start();
    clock.advance(5_000);
    hb.probe();
    expect(pings).toHaveLength(1);
    hb.probe(); // a second probe does not send a second ping
    expect(pings).toHaveLength(1);
    clock.advance(10_000);
    expect(deaths).toHaveLength(1);
  });

  it('a probe answered in time keeps the link', () => {
    const { clock, hb, deaths } = setup();
    hb.start();
    hb.probe();
    clock.advance(100);
    hb.received();
    hb.pong(clock.now() - 100);
    clock.advance(30_000);
    expect(deaths).toEqual([]);
    expect(hb.rtt).toBe(100);
  });

  it('adopts the server settings from welcome', () => {
    const { clock, hb, pings } = setup();
    hb.start();
    hb.configure(300, 300);
    clock.advance(300);
    expect(pings).toHaveLength(1);
  });

  it('does nothing after stop', () => {
    const { clock, hb, pings, deaths } = setup();
    hb.start();
    hb.stop();
    clock.advance(100_000);
    hb.probe();
    expect(pings).toEqual([]);
    expect(deaths).toEqual([]);
    expect(clock.timerCount).toBe(0);
  });
});
