import { describe, expect, it } from 'vitest';
import { decodeServerFrame, type AckEnvelope, type EventEnvelope } from '@ackwire/protocol';
import type { StoredEvent } from '@ackwire/server';
import {
  DEFAULT_SERVER_OPTIONS,
  FORGOTTEN_TOPICS_KEPT,
  InMemoryDedupStore,
  InMemoryReceiptWindow,
  resolveOptions,
  TokenBucket,
  toWireError,
  TopicStore,
} from '@ackwire/server';

const ack = (id: number): AckEnvelope => ({ k: 'ack', id, ok: true, data: id });

describe('receipt window', () => {
  it('tells new, pending and done ids apart', () => {
    const w = new InMemoryReceiptWindow(4);
    expect(w.check(1)).toEqual({ kind: 'new' });
    w.begin(1);
    expect(w.check(1)).toEqual({ kind: 'pending' });
    w.settle(1, ack(1));
    expect(w.check(1)).toEqual({ kind: 'done', receipt: ack(1) });
  });

  it('keeps at most maxInFlight receipts and refuses ids below the window', () => {
    const w = new InMemoryReceiptWindow(4);
    for (let id = 1; id <= 100; id++) {
      w.begin(id);
      w.settle(id, ack(id));
      expect(w.size).toBeLessThanOrEqual(5);
    }
    expect(w.high).toBe(100);
    expect(w.check(97)).toMatchObject({ kind: 'done' });
    expect(w.check(96)).toEqual({ kind: 'out-of-window' });
    expect(w.check(101)).toEqual({ kind: 'new' });
  });

  it('forgets ids below the floor', () => {
    const w = new InMemoryReceiptWindow(10);
    for (let id = 1; id <= 5; id++) w.begin(id);
    w.applyFloor(4);
    expect(w.size).toBe(2);
    expect(w.check(3)).toEqual({ kind: 'out-of-window' });
    expect(w.check(4)).toEqual({ kind: 'pending' });
  });

  it('accepts an out-of-order new id inside the window', () => {
    const w = new InMemoryReceiptWindow(10);
    w.begin(5);
    expect(w.check(3)).toEqual({ kind: 'new' });
  });

  it('is held per client id by the in-memory store', () => {
    const store = new InMemoryDedupStore();
    const a = store.acquire('client-aaaa', 4);
    expect(a.existed).toBe(false);
    expect(store.acquire('client-aaaa', 4)).toEqual({ window: a.window, existed: true });
    store.delete('client-aaaa');
    expect(store.size).toBe(0);
  });
});

describe('token bucket', () => {
  it('allows a burst, refuses past it, closes after a further burst of refusals', () => {
    const b = new TokenBucket(10, 3, 0);
    expect([b.take(0), b.take(0), b.take(0)]).toEqual(['allow', 'allow', 'allow']);
    expect([b.take(0), b.take(0), b.take(0)]).toEqual(['refuse', 'refuse', 'refuse']);
    expect(b.take(0)).toBe('close');
  });

  it('closes a steady flooder at ten times the rate, though a token comes back between its bursts', () => {
    const b = new TokenBucket(200, 400, 0);
    const verdicts: string[] = [];
    // 20 messages every 10 ms: 2,000 per second against 200.
    for (let t = 0; t <= 2000 && !verdicts.includes('close'); t += 10) {
      for (let k = 0; k < 20; k++) verdicts.push(b.take(t));
    }
    expect(verdicts).toContain('close');
    expect(verdicts.length).toBeLessThan(2000);
  });

  it('never closes a client over the rate by less than double; it is only refused', () => {
    const b = new TokenBucket(200, 400, 0);
    const verdicts = new Set<string>();
    // 3 messages every 10 ms: 300 per second against 200, for a minute.
    for (let t = 0; t <= 60_000; t += 10) for (let k = 0; k < 3; k++) verdicts.add(b.take(t));
    expect([...verdicts].sort()).toEqual(['allow', 'refuse']);
  });

  it('refills at the configured rate on the injected clock', () => {
    const b = new TokenBucket(10, 3, 0);
    for (let i = 0; i < 3; i++) b.take(0);
    expect(b.take(50)).toBe('refuse');
    expect(b.take(100)).toBe('allow');
    expect(b.take(10_000)).toBe('allow');
    expect(b.tokens).toBe(2);
  });
});

describe('topic history', () => {
  const store = (size = 3, ttlMs = 1000): TopicStore => {
    let n = 0;
    return new TopicStore({ size, ttlMs }, () => `epoch${++n}`);
  };
  const sink = () => {
    const got: number[] = [];
    // The offset as the subscriber reads it: from the frame itself.
    const offsetOf = (e: StoredEvent): number =>
      (decodeServerFrame(e.frame.payload.toString('utf8')) as EventEnvelope).offset;
    return { got, deliver: (e: StoredEvent) => got.push(offsetOf(e)) > 0 };
  };

  it('numbers events from 1 and fans one frame out to every subscriber', () => {
    const s = store();
    const a = sink();
    const b = sink();
    s.subscribe('t', a, undefined, undefined, 0);
    s.subscribe('t', b, undefined, undefined, 0);
    const e1 = s.publish('t', 'x', 0, 65536, false);
    s.publish('t', 'y', 0, 65536, false);
    expect(e1.offset).toBe(1);
    expect(a.got).toEqual([1, 2]);
    expect(b.got).toEqual([1, 2]);
  });

  it('encodes a publication once and hands the same frame to every subscriber', () => {
    const s = store();
    const frames: unknown[] = [];
    const grab = { deliver: (e: StoredEvent) => frames.push(e.frame) > 0 };
    s.subscribe('t', grab, undefined, undefined, 0);
    s.subscribe(
      't',
      { deliver: (e: StoredEvent) => frames.push(e.frame) > 0 },
      undefined,
      undefined,
      0,
    );
    s.publish('t', new Uint8Array([1, 2]), 0, 65536, false);
    expect(frames).toHaveLength(2);
    expect(frames[0]).toBe(frames[1]);
    expect((frames[0] as { binary: boolean }).binary).toBe(true);
  });

  it('recovers from a position the history covers, in order', () => {
    const s = store();
    for (let i = 0; i < 5; i++) s.publish('t', i, 0, 65536, false);
    const { resume } = s.subscribe('t', sink(), 'epoch1', 2, 0);
    expect(resume.recovered).toBe(true);
    expect(resume.replay.map((e) => e.offset)).toEqual([3, 4, 5]);
  });

  it('does not recover when history by count no longer covers the gap', () => {
    const s = store(3);
    for (let i = 0; i < 5; i++) s.publish('t', i, 0, 65536, false);
    // Offsets 3..5 are still held: they are replayed, and only offset 2 is missed.
    const { resume } = s.subscribe('t', sink(), 'epoch1', 1, 0);
    expect(resume.recovered).toBe(false);
    expect(resume.from).toBe(2);
    expect(resume.replay.map((e) => e.offset)).toEqual([3, 4, 5]);
  });

  it('does not recover when history by age no longer covers the gap', () => {
    const s = store(100, 1000);
    s.publish('t', 1, 0, 65536, false);
    s.publish('t', 2, 900, 65536, false);
    expect(s.subscribe('t', sink(), 'epoch1', 0, 999).resume.recovered).toBe(true);
    expect(s.subscribe('t', sink(), 'epoch1', 0, 1000).resume.recovered).toBe(false);
    expect(s.subscribe('t', sink(), 'epoch1', 1, 1000).resume.replay.map((e) => e.offset)).toEqual([
      2,
    ]);
  });

  it('recovers trivially at the current offset, even with empty history', () => {
    const s = store(100, 10);
    s.publish('t', 1, 0, 65536, false);
    const { resume, topic } = s.subscribe('t', sink(), 'epoch1', 1, 5000);
    expect(resume).toEqual({ recovered: true, replay: [], from: 1 });
    expect(topic.historyLength).toBe(0);
  });

  it('does not recover across an epoch change or from a future offset', () => {
    const s = store();
    s.publish('t', 1, 0, 65536, false);
    expect(s.subscribe('t', sink(), 'other', 0, 0).resume.recovered).toBe(false);
    expect(s.subscribe('t', sink(), 'epoch1', 9, 0).resume.recovered).toBe(false);
    expect(s.subscribe('t', sink(), undefined, undefined, 0).resume.recovered).toBe(false);
  });

  it('forgets topics with neither subscribers nor history on sweep', () => {
    const s = store(100, 10);
    const a = sink();
    s.subscribe('t', a, undefined, undefined, 0);
    s.publish('t', 1, 0, 65536, false);
    s.unsubscribe('t', a);
    s.sweep(5);
    expect(s.size).toBe(1);
    s.sweep(20);
    expect(s.size).toBe(0);
  });

  it('continues a forgotten topic at its position: a subscriber that missed nothing is recovered', () => {
    const s = store(100, 10);
    const a = sink();
    s.subscribe('t', a, undefined, undefined, 0);
    s.publish('t', 1, 0, 65536, false);
    s.publish('t', 2, 0, 65536, false);
    s.unsubscribe('t', a);
    s.sweep(20);
    expect(s.size).toBe(0);
    expect(s.forgottenSize).toBe(1);
    // Back at the last position: nothing was published meanwhile.
    const back = s.subscribe('t', sink(), 'epoch1', 2, 30);
    expect(back.topic.epoch).toBe('epoch1');
    expect(back.resume).toMatchObject({ recovered: true, from: 2 });
    expect(s.forgottenSize).toBe(0);
    // One event behind: it aged out, so the gap is real and reported.
    expect(s.subscribe('t', sink(), 'epoch1', 1, 30).resume.recovered).toBe(false);
    expect(s.publish('t', 3, 30, 65536, false).offset).toBe(3);
  });

  it('remembers a bounded number of forgotten topics, dropping the oldest', () => {
    const s = store(100, 10);
    for (let i = 0; i <= FORGOTTEN_TOPICS_KEPT; i++) s.publish(`t${i}`, i, 0, 65536, false);
    s.sweep(20);
    expect(s.size).toBe(0);
    expect(s.forgottenSize).toBe(FORGOTTEN_TOPICS_KEPT);
    // t0 was dropped: it starts a new epoch; the newest keeps its own.
    expect(s.ensure('t0').epoch).toBe(`epoch${FORGOTTEN_TOPICS_KEPT + 2}`);
    expect(s.ensure(`t${FORGOTTEN_TOPICS_KEPT}`).epoch).toBe(`epoch${FORGOTTEN_TOPICS_KEPT + 1}`);
  });
});

describe('options and errors', () => {
  it('applies defaults in one place and rejects invalid numbers', () => {
    expect(resolveOptions({}).maxPayload).toBe(65536);
    expect(DEFAULT_SERVER_OPTIONS.perMessageDeflate).toBe(false);
    expect(resolveOptions({ maxPayload: undefined } as never).maxPayload).toBe(65536);
    expect(() => resolveOptions({ maxInFlight: 0 })).toThrow(
      expect.objectContaining({ code: 'INVALID_OPTION' }),
    );
    expect(() => resolveOptions({ sendHardLimit: 1, sendHighWaterMark: 2 })).toThrow(
      /sendHardLimit/,
    );
    expect(resolveOptions({}).sendStallTimeoutMs).toBe(30_000);
    expect(resolveOptions({ sendStallTimeoutMs: 0 }).sendStallTimeoutMs).toBe(0); // off
    expect(() => resolveOptions({ sendStallTimeoutMs: -1 })).toThrow(/sendStallTimeoutMs/);
  });

  it('maps a thrown error to a wire error with its code or HANDLER_ERROR', () => {
    expect(toWireError(Object.assign(new Error('m'), { code: 'X_Y' }))).toEqual({
      code: 'X_Y',
      message: 'm',
    });
    expect(toWireError(Object.assign(new Error('m'), { code: 'bad code!' })).code).toBe(
      'HANDLER_ERROR',
    );
    expect(toWireError('oops')).toEqual({ code: 'HANDLER_ERROR', message: 'oops' });
    expect(toWireError(new Error('x'.repeat(5000))).message).toHaveLength(1024);
  });
});
