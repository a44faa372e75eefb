/**
 * Parked subscribers (issue 8, slow consumers): a connection with no room for an event leaves
 * the topic's fan-out and writes from history by cursor (event-pump.ts, topics.ts, history.ts).
 * Unit tier: the history's pins and byte counts, a topic's live and parked subscribers, and the
 * pump against a socket whose room the test sets. The real-socket tier is flow-control.test.ts.
 */
import { EventEmitter } from 'node:events';
import type { Duplex } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { TimerSet, type Clock } from '../src/clock.js';
import { EventPump } from '../src/event-pump.js';
import { History } from '../src/history.js';
import type { OutgoingFrame } from '../src/outgoing.js';
import { TopicStore } from '../src/topic-store.js';
import type { StoredEvent, Subscriber, Topic } from '../src/topics.js';
import { storeWithManualSlices } from './helpers.js';

const stored = (offset: number, bytes: number, ts = 0): StoredEvent => ({
  topic: 't',
  epoch: 'e',
  offset,
  ts,
  frame: { bytes, binary: false } as OutgoingFrame,
});

describe('history', () => {
  const limits = { size: 3, ttlMs: 1000 };

  it('keeps what a cursor pins past the count limit, and lets go once unpinned', () => {
    const h = new History<StoredEvent>();
    for (let o = 1; o <= 3; o++) h.push(stored(o, 10));
    h.pin(2);
    for (let o = 4; o <= 8; o++) {
      h.push(stored(o, 10));
      h.prune(0, limits);
    }
    expect(h.length).toBe(3); // history: 6, 7, 8
    expect(h.oldest()?.offset).toBe(6);
    expect(h.at(1)).toBeUndefined();
    expect(h.at(2)?.offset).toBe(2); // pinned
    expect(h.kept).toBe(7);
    expect(h.bytesFrom(2)).toBe(70);
    expect(h.bytesFrom(9)).toBe(0);
    expect(h.bytesFrom(1)).toBe(Infinity);
    h.pin(7);
    expect(h.at(5)).toBeUndefined();
    expect(h.kept).toBe(3);
    h.pin(Infinity);
    expect(h.kept).toBe(3);
    expect(h.from(7).map((e) => e.offset)).toEqual([7, 8]);
  });

  it('keeps what a cursor pins past the age limit', () => {
    const h = new History<StoredEvent>();
    h.push(stored(1, 5, 0));
    h.push(stored(2, 5, 10));
    h.pin(1);
    h.prune(5000, limits);
    expect(h.length).toBe(0);
    expect(h.at(1)?.offset).toBe(1);
    expect(h.bytesFrom(1)).toBe(10);
    h.pin(Infinity);
    expect(h.at(1)).toBeUndefined();
  });

  it('counts bytes across compactions', () => {
    const h = new History<StoredEvent>();
    for (let o = 1; o <= 5000; o++) {
      h.push(stored(o, o % 7));
      h.prune(0, limits);
    }
    expect(h.bytesFrom(4999)).toBe((4999 % 7) + (5000 % 7));
    expect(h.kept).toBe(3);
  });
});

/** A subscriber that counts the deliveries the fan-out made to it. */
class Counting implements Subscriber {
  readonly got: number[] = [];
  deliver(e: StoredEvent): boolean {
    this.got.push(e.offset);
    return true;
  }
}

describe('topic: parked subscribers', () => {
  const setUp = (backlogBytes = Infinity) => {
    const store = new TopicStore({ size: 2, ttlMs: 60_000, backlogBytes }, () => 'epoch1');
    const a = new Counting();
    const b = new Counting();
    store.subscribe('t', a, undefined, undefined, 0);
    store.subscribe('t', b, undefined, undefined, 0);
    const topic = store.get('t')!;
    const publish = (n: number): void => {
      for (let i = 0; i < n; i++) store.publish('t', 'x'.repeat(100), 0, 65536, false);
    };
    return { store, topic, a, b, publish };
  };

  it('costs a publication nothing while parked, and keeps its events past history', () => {
    const { topic, a, b, publish } = setUp();
    publish(1);
    const cursor = topic.park(a, 2, () => undefined);
    publish(10);
    expect(a.got).toEqual([1]); // no delivery at all while parked
    expect(b.got).toHaveLength(11);
    expect(topic.historyLength).toBe(2);
    expect(topic.at(2)?.offset).toBe(2);
    let behind = 0;
    for (let o = 2; o <= 11; o++) behind += topic.at(o)!.frame.bytes;
    expect(topic.backlog(cursor.next)).toBe(behind);
    expect(topic.subscribers.size).toBe(2); // still subscribed: not swept, still counted
    expect(topic.rejoin(a)).toBe(false); // behind
    cursor.next = 12;
    topic.advanced(2);
    expect(topic.rejoin(a)).toBe(true);
    expect(topic.eventsKept).toBe(2);
    publish(1);
    expect(a.got).toEqual([1, 12]);
  });

  it('keeps history back to the furthest-behind cursor only', () => {
    const { topic, a, b, publish } = setUp();
    publish(1);
    const ca = topic.park(a, 2, () => undefined);
    const cb = topic.park(b, 4, () => undefined);
    publish(9); // offsets 2 to 10; history holds 9 and 10
    expect(topic.eventsKept).toBe(9);
    cb.next = 8;
    topic.advanced(4); // not the furthest behind: nothing to let go
    expect(topic.eventsKept).toBe(9);
    ca.next = 6;
    topic.advanced(2);
    expect(topic.eventsKept).toBe(5); // 6 to 10
    expect(topic.at(5)).toBeUndefined();
  });

  it('does not rejoin while a sliced publication is being written', () => {
    const { store, runSlices } = storeWithManualSlices(10, 'e');
    const subs = Array.from({ length: 100 }, () => new Counting());
    for (const s of subs) store.subscribe('t', s, undefined, undefined, 0);
    const topic = store.get('t')!;
    store.publish('t', 'x'.repeat(60_000), 0, 65536, false); // 100 x 60 KB: sliced
    expect(topic.fanOut.pending).toBe(1);
    const last = subs[99]!;
    const cursor = topic.park(last, 1, () => undefined);
    cursor.next = 2; // wrote offset 1 from history
    expect(topic.rejoin(last)).toBe(false);
    runSlices();
    expect(topic.fanOut.pending).toBe(0);
    expect(last.got).toEqual([]); // skipped by the slice: parked
    expect(topic.rejoin(last)).toBe(true);
  });

  it('forgets the cursor of a subscriber that unsubscribes while parked', () => {
    const { store, topic, a, publish } = setUp();
    topic.park(a, 1, () => undefined);
    publish(5);
    expect(topic.eventsKept).toBe(5);
    store.unsubscribe('t', a);
    expect(topic.cursorOf(a)).toBeUndefined();
    expect(topic.eventsKept).toBe(2);
    expect(topic.rejoin(a)).toBe(true);
    publish(1);
    expect(a.got).toEqual([]);
  });

  it('tells a cursor that pins more than backlogBytes to close, and only that one', () => {
    // Offsets 1 to 9 have frames of one size: 8.5 of them is the limit.
    const probe = setUp();
    probe.publish(1);
    const frame = probe.topic.at(1)!.frame.bytes;
    const { topic, a, b, publish } = setUp(8.5 * frame);
    publish(1);
    let overruns = 0;
    topic.park(a, 2, () => overruns++);
    topic.park(b, 1, () => {
      overruns += 100;
      topic.unpark(b);
    });
    publish(7); // b is 8 events behind, a 7
    expect(overruns).toBe(0);
    publish(1); // b 9 events, a 8
    expect(overruns).toBe(100);
    expect(topic.parked).toBe(1);
  });
});

/** A socket whose room the test sets: `need` true makes the pump wait for `drain`. */
class FakeSocket extends EventEmitter {
  writableNeedDrain = false;
}

class ManualClock implements Clock {
  time = 0;
  readonly due: Array<{ at: number; fn: () => void }> = [];
  now = (): number => this.time;
  setTimeout = (fn: () => void, ms: number): unknown => this.due.push({ at: this.time + ms, fn });
  clearTimeout = (): void => undefined;
  setInterval = (): unknown => 0;
  clearInterval = (): void => undefined;
}

/** A pump over topic `t` of a store, with its room set by the test. */
function pumpSetUp(options: { hardLimit?: number; history?: number } = {}) {
  const store = new TopicStore({ size: options.history ?? 1000, ttlMs: 60_000 }, () => 'e');
  const socket = new FakeSocket();
  const written: number[] = [];
  const state = { buffered: 0, windowFull: false, open: true, overflows: 0, dropped: 0 };
  const self: Subscriber = { deliver: (e, volatile) => pump.deliver(e, volatile) };
  const pump: EventPump = new EventPump({
    subscriber: self,
    socket: socket as unknown as Duplex,
    timers: new TimerSet(new ManualClock()),
    highWaterMark: 1000,
    hardLimit: options.hardLimit ?? 1_000_000,
    buffered: () => state.buffered,
    windowFull: () => state.windowFull,
    open: () => state.open,
    topic: (name) => store.get(name),
    write: (e) => {
      written.push(e.offset);
      state.buffered += e.frame.bytes;
      // As a net.Socket past its highWaterMark: write() returned false, `drain` will follow.
      if (state.buffered >= 1000) socket.writableNeedDrain = true;
    },
    dropped: () => state.dropped++,
    overflow: () => state.overflows++,
  });
  store.subscribe('t', self, undefined, undefined, 0);
  const topic: Topic = store.get('t')!;
  const publish = (n: number, volatile = false): void => {
    for (let i = 0; i < n; i++) store.publish('t', 'x'.repeat(200), 0, 65536, volatile);
  };
  /** The socket drains what it holds and says so. */
  const drain = (): void => {
    state.buffered = 0;
    socket.writableNeedDrain = false;
    socket.emit('drain');
  };
  return { store, topic, pump, state, written, publish, drain, socket };
}

describe('event pump', () => {
  it('parks when the socket is full and writes every event from history, in order', () => {
    const { topic, pump, state, written, publish, drain } = pumpSetUp();
    publish(4); // ~260 B each: the fourth goes over the mark of 1,000
    expect(written).toEqual([1, 2, 3, 4]);
    publish(4);
    expect(written).toEqual([1, 2, 3, 4]);
    expect(pump.parked).toBe(1);
    expect(topic.parked).toBe(1);
    publish(20);
    state.buffered = 0; // drained without an event: the pump waits for one
    expect(written).toHaveLength(4);
    for (let i = 0; i < 20 && written.length < 28; i++) drain();
    expect(written).toEqual(Array.from({ length: 28 }, (_, i) => i + 1));
    expect(pump.parked).toBe(0);
    expect(topic.parked).toBe(0);
    drain();
    publish(1); // live again
    expect(written.at(-1)).toBe(29);
    expect(pump.parked).toBe(0);
  });

  it('drops volatile events without room and does not park for them', () => {
    const { pump, state, written, publish } = pumpSetUp();
    state.buffered = 5000;
    publish(3, true);
    expect(written).toEqual([]);
    expect(state.dropped).toBe(3);
    expect(pump.parked).toBe(0);
  });

  it('waits for the read window, then resumes', () => {
    const { pump, state, written, publish } = pumpSetUp();
    state.windowFull = true;
    publish(3);
    expect(written).toEqual([]);
    state.windowFull = false;
    pump.resume();
    expect(written).toEqual([1, 2, 3]);
    expect(pump.parked).toBe(0);
  });

  it('replays from a position, then goes live', () => {
    const { topic, pump, written, publish, drain } = pumpSetUp();
    publish(3);
    written.length = 0;
    drain();
    pump.replay(topic, 2);
    expect(written).toEqual([2, 3]);
    publish(1);
    expect(written).toEqual([2, 3, 4]);
  });

  it('closes past the hard limit, counting what the cursor has yet to write', () => {
    const { pump, state, publish } = pumpSetUp({ hardLimit: 5000 });
    state.windowFull = true;
    publish(30); // ~6.9 KB behind, nothing buffered: only the sweep's check sees it
    expect(state.overflows).toBe(0);
    expect(pump.check()).toBe(true);
    expect(state.overflows).toBe(1);
    expect(pump.parked).toBe(0);
  });

  it('stops writing a topic unsubscribed while parked', () => {
    const { store, pump, state, written, publish } = pumpSetUp();
    state.windowFull = true;
    publish(3);
    store.unsubscribe('t', { deliver: () => true }); // someone else: no effect
    expect(pump.parked).toBe(1);
    const self = [...store.get('t')!.subscribers][0]!;
    store.unsubscribe('t', self);
    state.windowFull = false;
    pump.resume();
    expect(written).toEqual([]);
    expect(pump.parked).toBe(0);
  });

  it('forgets its cursors when the connection closes', () => {
    const { topic, pump, state, publish } = pumpSetUp();
    state.windowFull = true;
    publish(3);
    expect(topic.parked).toBe(1);
    pump.clear();
    expect(topic.parked).toBe(0);
    expect(topic.eventsKept).toBe(3);
  });
});
