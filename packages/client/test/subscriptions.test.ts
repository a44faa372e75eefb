import { describe, expect, it, vi } from 'vitest';
import type { EventEnvelope, StreamPosition, SubscribeResult } from '@ackwire/protocol';
import { SubscriptionRegistry, type GapInfo, type SubscribedInfo } from '../src/subscriptions.js';

function setup(open = true) {
  const subs: {
    topic: string;
    position: StreamPosition | undefined;
    answer(r: SubscribeResult): void;
    fail(e: Error): void;
  }[] = [];
  const unsubs: string[] = [];
  const errors: unknown[] = [];
  const state = { open };
  const registry = new SubscriptionRegistry({
    _isOpen: () => state.open,
    _sendSub: (topic, position) =>
      new Promise((resolve, reject) =>
        subs.push({ topic, position, answer: resolve, fail: reject }),
      ),
    _sendUnsub: (topic) => unsubs.push(topic),
    _listenerError: (e) => errors.push(e),
  });
  return { registry, subs, unsubs, errors, state };
}

const ev = (
  offset: number,
  data: unknown = offset,
  epoch = 'e1',
  topic = 'room:1',
): EventEnvelope => ({
  k: 'event',
  topic,
  epoch,
  offset,
  ts: 1000 + offset,
  data: data as never,
});

const ok = (
  offset: number,
  recovered: boolean,
  epoch = 'e1',
  topic = 'room:1',
): SubscribeResult => ({
  topic,
  ok: true,
  epoch,
  offset,
  recovered,
});

const flush = () => new Promise((r) => setTimeout(r, 0));

describe('subscription registry', () => {
  it('makes one server subscription for two handlers on one topic, and one unsub for the last', async () => {
    const { registry, subs, unsubs } = setup();
    const a = registry._add('room:1', () => {});
    const b = registry._add('room:1', () => {});
    expect(subs).toHaveLength(1);
    a.unsubscribe();
    a.unsubscribe();
    expect(unsubs).toEqual([]);
    b.unsubscribe();
    expect(unsubs).toEqual(['room:1']);
    expect(registry._size).toBe(0);
  });

  it('announces subscribed (initial) to every handle and then delivers each event once', async () => {
    const { registry, subs } = setup();
    const h1 = vi.fn();
    const h2 = vi.fn();
    const a = registry._add('room:1', h1);
    const b = registry._add('room:1', h2);
    const info: SubscribedInfo[] = [];
    a.on('subscribed', (i) => info.push(i));
    b.on('subscribed', (i) => info.push(i));
    subs[0]!.answer(ok(5, false));
    await flush();
    expect(info).toEqual([
      { topic: 'room:1', recovered: false, initial: true, epoch: 'e1', offset: 5 },
      { topic: 'room:1', recovered: false, initial: true, epoch: 'e1', offset: 5 },
    ]);
    registry._deliver(ev(6, 'x'));
    expect(h1).toHaveBeenCalledWith('x', {
      topic: 'room:1',
      epoch: 'e1',
      offset: 6,
      publishedAt: 1006,
    });
    expect(h2).toHaveBeenCalledTimes(1);
  });

  it('drops duplicates by (topic, epoch, offset), so a replay overlapping live never repeats', async () => {
    const { registry, subs } = setup();
    const seen: number[] = [];
    registry._add('room:1', (_d, m) => seen.push(m.offset));
    subs[0]!.answer(ok(0, false));
    await flush();
    for (const o of [1, 2, 3, 2, 3, 4, 1, 5]) registry._deliver(ev(o));
    registry._deliver(ev(6, 6, 'other-epoch'));
    expect(seen).toEqual([1, 2, 3, 4, 5]);
  });

  it('re-sends every topic with its position in hello.subs and reports recovered resubscribes', async () => {
    const { registry, subs } = setup();
    const a = registry._add('room:1', () => {});
    registry._add('room:2', () => {});
    subs[0]!.answer(ok(0, false));
    subs[1]!.answer(ok(7, false, 'e2', 'room:2'));
    await flush();
    registry._deliver(ev(1));
    registry._deliver(ev(2));
    const hello = registry._helloSubs();
    expect(hello).toEqual([
      { topic: 'room:1', epoch: 'e1', offset: 2 },
      { topic: 'room:2', epoch: 'e2', offset: 7 },
    ]);
    const info: SubscribedInfo[] = [];
    const gaps: GapInfo[] = [];
    a.on('subscribed', (i) => info.push(i));
    a.on('gap', (g) => gaps.push(g));
    registry._applyWelcome(hello, [ok(4, true), ok(7, true, 'e2', 'room:2')]);
    expect(info).toEqual([
      { topic: 'room:1', recovered: true, initial: false, epoch: 'e1', offset: 4 },
    ]);
    expect(gaps).toEqual([]);
    // The replay follows: 3 and 4, then live.
    const seen: number[] = [];
    registry._add('room:1', (_d, m) => seen.push(m.offset));
    registry._deliver(ev(3));
    registry._deliver(ev(4));
    expect(seen).toEqual([3, 4]);
  });

  it('never hides a gap: recovered false on a resubscribe raises subscribed(recovered: false) and gap', async () => {
    const { registry, subs } = setup();
    const a = registry._add('room:1', () => {});
    subs[0]!.answer(ok(0, false));
    await flush();
    registry._deliver(ev(1));
    const info: SubscribedInfo[] = [];
    const gaps: GapInfo[] = [];
    a.on('subscribed', (i) => info.push(i));
    a.on('gap', (g) => gaps.push(g));
    registry._applyWelcome(registry._helloSubs(), [ok(50, false)]);
    expect(info).toEqual([
      { topic: 'room:1', recovered: false, initial: false, epoch: 'e1', offset: 50 },
    ]);
    expect(gaps).toEqual([
      {
        topic: 'room:1',
        previous: { epoch: 'e1', offset: 1 },
        current: { epoch: 'e1', offset: 50 },
        cause: 'history',
      },
    ]);
    registry._applyWelcome(registry._helloSubs(), [ok(3, false, 'e9')]);
    expect(gaps[1]).toMatchObject({ cause: 'epoch', current: { epoch: 'e9', offset: 3 } });
  });

  it('reports a skipped offset as a gap and still delivers', async () => {
    const { registry, subs } = setup();
    const a = registry._add('room:1', () => {});
    const gaps: GapInfo[] = [];
    a.on('gap', (g) => gaps.push(g));
    subs[0]!.answer(ok(0, false));
    await flush();
    registry._deliver(ev(1));
    registry._deliver(ev(4));
    expect(gaps).toEqual([
      {
        topic: 'room:1',
        previous: { epoch: 'e1', offset: 1 },
        current: { epoch: 'e1', offset: 3 },
        cause: 'skip',
      },
    ]);
  });

  it('removes a refused subscription and reports the server error', async () => {
    const { registry, subs } = setup();
    const a = registry._add('secret', () => {});
    const errors: Error[] = [];
    a.on('error', (e) => errors.push(e));
    subs[0]!.fail(Object.assign(new Error('not allowed'), { code: 'FORBIDDEN' }));
    await flush();
    expect(errors[0]).toMatchObject({ code: 'FORBIDDEN' });
    expect(a.active).toBe(false);
    expect(registry._size).toBe(0);
    const b = registry._add('secret2', () => {});
    const errs2: Error[] = [];
    b.on('error', (e) => errs2.push(e));
    registry._applyWelcome(
      [{ topic: 'secret2' }],
      [{ topic: 'secret2', ok: false, error: { code: 'FORBIDDEN', message: 'no' } }],
    );
    expect(errs2[0]).toMatchObject({ name: 'ServerError', code: 'FORBIDDEN' });
  });

  it('waits for hello when offline and reports throwing handlers without stopping delivery', async () => {
    const { registry, subs, errors, state } = setup(false);
    const good = vi.fn();
    registry._add('room:1', () => {
      throw new Error('bug');
    });
    registry._add('room:1', good);
    expect(subs).toHaveLength(0);
    state.open = true;
    registry._applyWelcome(registry._helloSubs(), [ok(0, false)]);
    registry._deliver(ev(1));
    expect(good).toHaveBeenCalledTimes(1);
    expect(errors).toHaveLength(1);
  });

  it('keeps binary payloads untouched', async () => {
    const { registry, subs } = setup();
    let got: unknown;
    registry._add('bin', (d) => (got = d));
    subs[0]!.answer(ok(0, false, 'e1', 'bin'));
    await flush();
    const bytes = new Uint8Array([9, 8, 7]);
    registry._deliver(ev(1, bytes, 'e1', 'bin'));
    expect(got).toBe(bytes);
  });
});
