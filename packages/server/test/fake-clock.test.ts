import { describe, expect, it } from 'vitest';
import { CloseCode } from '@ackwire/protocol';
import type { Clock } from '@ackwire/server';
import { connect, useServers, TestClient } from './helpers.js';

/** A manual clock: time moves only when the test says so. */
class FakeClock implements Clock {
  time = 1_000_000;
  #next = 1;
  readonly timers = new Map<number, { at: number; every?: number; fn: () => void }>();
  now = (): number => this.time;
  setTimeout = (fn: () => void, ms: number): number => this.#add(fn, ms);
  setInterval = (fn: () => void, ms: number): number => this.#add(fn, ms, ms);
  clearTimeout = (h: unknown): void => void this.timers.delete(h as number);
  clearInterval = (h: unknown): void => void this.timers.delete(h as number);
  #add(fn: () => void, ms: number, every?: number): number {
    const id = this.#next++;
    this.timers.set(
      id,
      every === undefined ? { at: this.time + ms, fn } : { at: this.time + ms, every, fn },
    );
    return id;
  }
  advance(ms: number): void {
    const end = this.time + ms;
    for (;;) {
      const due = [...this.timers.entries()]
        .filter(([, t]) => t.at <= end)
        .sort((a, b) => a[1].at - b[1].at)[0];
      if (!due) break;
      const [id, t] = due;
      this.time = Math.max(this.time, t.at);
      if (t.every === undefined) this.timers.delete(id);
      else t.at += t.every;
      t.fn();
    }
    this.time = end;
  }
}

const start = useServers();

describe('deadlines on an injected clock', () => {
  it('enforces the hello timeout without waiting in real time', async () => {
    const clock = new FakeClock();
    const { server, url } = await start({
      clock,
      helloTimeoutMs: 60_000,
      heartbeatIntervalMs: 100_000,
    });
    const client = new TestClient(url);
    await client.opened();
    clock.advance(59_000);
    expect(server.stats().connections).toBe(1);
    clock.advance(2_000);
    expect((await client.closed).code).toBe(CloseCode.SESSION_TIMEOUT);
  });

  it('terminates a silent session after interval + timeout and expires it after its TTL', async () => {
    const clock = new FakeClock();
    const { server, url } = await start({
      clock,
      heartbeatIntervalMs: 30_000,
      heartbeatTimeoutMs: 10_000,
      sessionTtlMs: 60_000,
    });
    const { client } = await connect(url);
    clock.advance(39_000);
    expect(server.stats().connections).toBe(1);
    clock.advance(2_000);
    await client.closed;
    expect(server.stats().sessions).toBe(1);
    clock.advance(61_000);
    expect(server.stats().sessions).toBe(0);
  });
});
