/**
 * A topic's fan-out in slices (fan-out.ts). Unit tier: the next slice runs when the test says
 * so (an injected `defer`), so every step is deterministic. Integration tier: a real server
 * slicing large publications to real sockets keeps every subscriber's offsets in order.
 */
import { describe, expect, it } from 'vitest';
import type { EventEnvelope } from '@ackwire/protocol';
import type { Defer } from '../src/clock.js';
import { FAN_OUT_SLICE, FanOut, WRITE_COST } from '../src/fan-out.js';
import type { OutgoingFrame } from '../src/outgoing.js';
import type { StoredEvent, Subscriber } from '../src/topics.js';
import { connect, storeWithManualSlices, useServers, until, type TestClient } from './helpers.js';

/** An event whose frame is `bytes` long (only its size matters here). */
const event = (offset: number, bytes: number): StoredEvent => ({
  topic: 't',
  epoch: 'e',
  offset,
  ts: 0,
  frame: { bytes, binary: false } as OutgoingFrame,
});

/**
 * A subscriber that records the offsets it got; `onDeliver` runs inside the delivery. `writes`:
 * whether it reports the event written now (false: queued, as for a reader that stopped reading).
 */
class Recorder implements Subscriber {
  readonly got: number[] = [];
  onDeliver: (() => void) | undefined = undefined;
  writes = true;
  deliver(e: StoredEvent): boolean {
    this.got.push(e.offset);
    this.onDeliver?.();
    return this.writes;
  }
}

/** A fan-out over `n` recorders whose deferred slices run only on `step()`. */
function setUp(n: number) {
  const subscribers = new Set<Subscriber>();
  const recorders = Array.from({ length: n }, () => new Recorder());
  for (const r of recorders) subscribers.add(r);
  const queued: Array<() => void> = [];
  const defer: Defer = (fn) => queued.push(fn);
  const fanOut = new FanOut(subscribers, defer);
  /** Runs the deferred slice; false when none was scheduled. */
  const step = (): boolean => {
    const next = queued.shift();
    next?.();
    return next !== undefined;
  };
  return { subscribers, recorders, fanOut, step, queued };
}

/** Subscribers one slice covers for frames of `bytes`. */
const perSlice = (bytes: number): number => Math.floor(FAN_OUT_SLICE / (bytes + WRITE_COST));

describe('fan-out', () => {
  it('writes a small publication to every subscriber at once', () => {
    // 1,000 subscribers of a 130 B frame: the fan-out benchmark's shape, under one slice.
    const { recorders, fanOut, queued } = setUp(1000);
    fanOut.publish(event(1, 130), false);
    expect(recorders.every((r) => r.got.join() === '1')).toBe(true);
    expect(queued).toHaveLength(0);
    expect(fanOut.pending).toBe(0);
  });

  it('writes a large publication in slices, letting I/O run between them', () => {
    const bytes = 16 * 1024;
    const { recorders, fanOut, step } = setUp(100);
    fanOut.publish(event(1, bytes), false);
    const first = perSlice(bytes);
    expect(first).toBeGreaterThan(0);
    expect(first).toBeLessThan(100);
    expect(recorders.filter((r) => r.got.length === 1)).toHaveLength(first);
    // The ones written first are the first in subscription order.
    expect(recorders.slice(0, first).every((r) => r.got.length === 1)).toBe(true);
    expect(fanOut.pending).toBe(1);
    let slices = 1;
    while (step()) slices++;
    expect(slices).toBe(Math.ceil(100 / first));
    expect(recorders.every((r) => r.got.join() === '1')).toBe(true);
    expect(fanOut.pending).toBe(0);
  });

  it("keeps a topic's order: a publication made meanwhile waits behind the sliced one", () => {
    const { recorders, fanOut, step } = setUp(100);
    fanOut.publish(event(1, 64 * 1024), false);
    fanOut.publish(event(2, 10), true); // small, volatile: still behind
    fanOut.publish(event(3, 10), false);
    expect(recorders[99]!.got).toEqual([]);
    while (step());
    for (const r of recorders) expect(r.got).toEqual([1, 2, 3]);
  });

  it('skips a subscriber that left before its turn, and goes to those it had when published', () => {
    const { subscribers, recorders, fanOut, step } = setUp(100);
    fanOut.publish(event(1, 64 * 1024), false);
    const last = recorders[99]!;
    subscribers.delete(last);
    const late = new Recorder();
    subscribers.add(late); // subscribed after the publication: history's business, not ours
    while (step());
    expect(last.got).toEqual([]);
    expect(late.got).toEqual([]);
    expect(recorders.slice(0, 99).every((r) => r.got.join() === '1')).toBe(true);
  });

  it('resumes at the right subscriber when deliveries closed connections in the first slice', () => {
    const bytes = 64 * 1024;
    const { subscribers, recorders, fanOut, step } = setUp(40);
    // The first two subscribers are closed by their own delivery (the hard limit).
    for (const r of recorders.slice(0, 2)) r.onDeliver = () => subscribers.delete(r);
    fanOut.publish(event(1, bytes), false);
    while (step());
    expect(recorders.every((r) => r.got.join() === '1')).toBe(true);
  });

  it('counts a delivery that only queued as cheap: readers that stopped reading take no slices', () => {
    const { recorders, fanOut, queued } = setUp(100);
    for (const r of recorders) r.writes = false;
    fanOut.publish(event(1, 64 * 1024), false);
    expect(recorders.every((r) => r.got.join() === '1')).toBe(true);
    expect(queued).toHaveLength(0);
  });

  it('drops what is pending on clear (the server closed)', () => {
    const { recorders, fanOut, step } = setUp(100);
    fanOut.publish(event(1, 64 * 1024), false);
    fanOut.clear();
    while (step());
    expect(recorders.filter((r) => r.got.length === 1)).toHaveLength(perSlice(64 * 1024));
  });
});

describe('fan-out with history: a resubscribe while a publication is pending', () => {
  it('gets the pending event once, from its replay, never again from the slice', () => {
    const { store, runSlices } = storeWithManualSlices(100, 'e1');
    const readers = Array.from({ length: 100 }, () => new Recorder());
    for (const r of readers) store.subscribe('t', r, undefined, undefined, 0);
    const first = store.publish('t', 'x'.repeat(64 * 1024), 0, 128 * 1024, false);
    const last = readers[99]!;
    expect(last.got).toEqual([]); // its turn is in a later slice
    // Its connection drops; the client comes back on a new one at its last position (0).
    store.unsubscribe('t', last);
    const again = new Recorder();
    const { resume } = store.subscribe('t', again, 'e1', 0, 0);
    expect(resume.recovered).toBe(true);
    expect(resume.replay.map((e) => e.offset)).toEqual([first.offset]);
    runSlices();
    expect(last.got).toEqual([]);
    expect(again.got).toEqual([]); // not in the slice: the replay carries it
    store.publish('t', 'y', 0, 128 * 1024, false);
    expect(again.got).toEqual([2]);
    expect(readers.slice(0, 99).every((r) => r.got.join() === '1,2')).toBe(true);
  });
});

describe('fan-out through a real server', () => {
  const start = useServers();

  it('delivers large publications, sliced, and small ones between them, in order to everyone', async () => {
    const { server, url } = await start({ maxPayload: 128 * 1024 });
    const clients: TestClient[] = [];
    for (let i = 0; i < 30; i++) {
      const { client } = await connect(url);
      client.send({ k: 'sub', id: 1, topic: 'big' });
      await client.takeAck(1);
      clients.push(client);
    }
    // 30 x 60 KiB = 1.8 MB per large publication: more than one slice each.
    const large = 'x'.repeat(60 * 1024);
    const offsets: number[] = [];
    for (let i = 0; i < 3; i++) {
      offsets.push(server.publish('big', { large }).offset);
      offsets.push(server.publish('big', { small: i }).offset);
    }
    const got = (c: TestClient): number[] =>
      c.received
        .filter((r) => r.envelope.k === 'event')
        .map((r) => (r.envelope as EventEnvelope).offset);
    await until(() => clients.every((c) => got(c).length === offsets.length), 10_000);
    for (const c of clients) expect(got(c)).toEqual(offsets);
    for (const c of clients) c.close();
  });
});
