import { describe, expect, it } from 'vitest';
import { Outbox, type OutboxEntry, type OutboxLimits } from '../src/outbox.js';
import { FakeClock } from './fake-clock.js';

interface Harness {
  clock: FakeClock;
  outbox: Outbox;
  written: number[];
  results: Map<number, { ok: boolean; value: unknown }>;
  canWrite: { value: boolean };
  push(bytes?: number, timeoutMs?: number): OutboxEntry;
}

function setup(limits: Partial<OutboxLimits> = {}, window = 256): Harness {
  const clock = new FakeClock();
  const written: number[] = [];
  const results = new Map<number, { ok: boolean; value: unknown }>();
  const canWrite = { value: true };
  const outbox = new Outbox(
    clock,
    {
      maxQueue: 1000,
      maxQueueBytes: 1 << 20,
      overflow: 'reject',
      maxAttempts: Infinity,
      ...limits,
    },
    {
      write: (e) => {
        if (!canWrite.value) return false;
        written.push(e.id);
        return true;
      },
      settled: () => {},
    },
    window,
    65_536,
  );
  const push = (bytes = 10, timeoutMs = 60_000): OutboxEntry => {
    const id = outbox.peekId();
    const entry: OutboxEntry = {
      id,
      kind: 'msg',
      frame: 'x',
      bytes,
      createdAt: clock.now(),
      deadline: clock.now() + timeoutMs,
      attempts: 0,
      writtenAt: undefined,
      resolve: (value) => results.set(id, { ok: true, value }),
      reject: (value) => results.set(id, { ok: false, value }),
    };
    outbox.add(entry);
    return entry;
  };
  return { clock, outbox, written, results, canWrite, push };
}

const codeOf = (r: { value: unknown } | undefined) =>
  (r?.value as { code?: string } | undefined)?.code;

describe('outbox order', () => {
  it('assigns increasing ids and writes in id order', () => {
    const h = setup();
    for (let i = 0; i < 5; i++) h.push();
    h.outbox.flush();
    expect(h.written).toEqual([1, 2, 3, 4, 5]);
    expect(h.outbox.inFlightCount).toBe(5);
    expect(h.outbox.queuedCount).toBe(0);
  });

  it('re-sends unsettled messages first after a reconnect, with their original ids', () => {
    const h = setup();
    for (let i = 0; i < 5; i++) h.push();
    h.outbox.flush();
    h.outbox.settle(2, { ok: true, data: 'b' });
    h.canWrite.value = false;
    h.push();
    h.push();
    h.outbox.flush();
    h.outbox.requeueInFlight();
    expect(h.outbox.floor).toBe(1);
    h.written.length = 0;
    h.canWrite.value = true;
    h.outbox.flush();
    expect(h.written).toEqual([1, 3, 4, 5, 6, 7]);
    expect(h.results.get(2)).toEqual({ ok: true, value: 'b' });
  });

  it('never writes an id at or beyond floor + window', () => {
    const h = setup({}, 3);
    for (let i = 0; i < 6; i++) h.push();
    h.outbox.flush();
    expect(h.written).toEqual([1, 2, 3]);
    // Settling a later id does not move the floor.
    h.outbox.settle(3, { ok: true, data: undefined });
    h.outbox.flush();
    expect(h.written).toEqual([1, 2, 3]);
    h.outbox.settle(1, { ok: true, data: undefined });
    h.outbox.flush();
    expect(h.written).toEqual([1, 2, 3, 4]);
    expect(h.outbox.floor).toBe(2);
  });

  it('reports the floor as the next id when nothing is unsettled', () => {
    const h = setup();
    h.push();
    h.outbox.flush();
    h.outbox.settle(1, { ok: true, data: undefined });
    expect(h.outbox.floor).toBe(2);
  });

  it('ignores receipts for unknown or settled ids', () => {
    const h = setup();
    h.push();
    expect(h.outbox.settle(7, { ok: true, data: undefined })).toBe(false);
    h.outbox.flush();
    expect(h.outbox.settle(1, { ok: true, data: 1 })).toBe(true);
    expect(h.outbox.settle(1, { ok: true, data: 2 })).toBe(false);
    expect(h.results.get(1)).toEqual({ ok: true, value: 1 });
  });
});

describe('outbox bounds and overflow', () => {
  it('rejects the new message with QUEUE_FULL by count', () => {
    const h = setup({ maxQueue: 2 });
    h.push();
    h.push();
    expect(() => h.push()).toThrow(expect.objectContaining({ code: 'QUEUE_FULL' }));
    expect(h.outbox.queuedCount).toBe(2);
  });

  it('rejects the new message with QUEUE_FULL by bytes', () => {
    const h = setup({ maxQueueBytes: 100 });
    h.push(60);
    expect(() => h.push(50)).toThrow(expect.objectContaining({ code: 'QUEUE_FULL' }));
    h.push(40);
    expect(h.outbox.bytes).toBe(100);
    expect(() => h.push(101)).toThrow(/can never fit/);
  });

  it('evicts the oldest queued message with DROPPED under drop-oldest', () => {
    const h = setup({ maxQueue: 3, overflow: 'drop-oldest' });
    h.push();
    h.push();
    h.push();
    h.push();
    expect(codeOf(h.results.get(1))).toBe('DROPPED');
    expect(h.outbox.queuedCount).toBe(3);
    expect(h.outbox.floor).toBe(2);
  });

  it('does not evict in-flight messages: with only those, the new one is refused', () => {
    const h = setup({ maxQueue: 2, overflow: 'drop-oldest' });
    h.push();
    h.push();
    h.outbox.flush();
    expect(() => h.push()).toThrow(expect.objectContaining({ code: 'QUEUE_FULL' }));
  });

  it('frees room as messages settle', () => {
    const h = setup({ maxQueue: 1 });
    h.push();
    expect(h.outbox.hasRoom()).toBe(false);
    h.outbox.flush();
    h.outbox.settle(1, { ok: true, data: undefined });
    expect(h.outbox.hasRoom()).toBe(true);
    expect(h.outbox.bytes).toBe(0);
  });
});

describe('outbox deadlines and attempts', () => {
  it('rejects with TIMEOUT at the deadline, queued or in flight', () => {
    const h = setup();
    h.push(10, 1000);
    h.outbox.flush();
    h.canWrite.value = false;
    h.push(10, 2000);
    h.outbox.flush();
    h.clock.advance(1000);
    expect(codeOf(h.results.get(1))).toBe('TIMEOUT');
    expect(h.results.has(2)).toBe(false);
    h.clock.advance(1000);
    expect(codeOf(h.results.get(2))).toBe('TIMEOUT');
    expect(h.clock.timerCount).toBe(0);
  });

  it('clamps deadlines to the server ttl', () => {
    const h = setup();
    h.push(10, 60_000);
    h.outbox.clampDeadlines(5_000);
    h.clock.advance(5_000);
    expect(codeOf(h.results.get(1))).toBe('TIMEOUT');
  });

  it('rejects with RETRIES_EXHAUSTED after maxAttempts writes', () => {
    const h = setup({ maxAttempts: 2 });
    h.push();
    h.outbox.flush();
    h.outbox.requeueInFlight();
    h.outbox.flush();
    h.outbox.requeueInFlight();
    h.outbox.flush();
    expect(h.written).toEqual([1, 1]);
    expect(codeOf(h.results.get(1))).toBe('RETRIES_EXHAUSTED');
  });

  it('rejects messages larger than the server maxBytes when it is learned', () => {
    const h = setup();
    h.push(1000);
    h.outbox.maxBytes = 500;
    h.outbox.flush();
    expect(codeOf(h.results.get(1))).toBe('MESSAGE_TOO_LARGE');
  });

  it('rejectAll settles everything and clears every timer', () => {
    const h = setup();
    h.push();
    h.push();
    h.outbox.flush();
    h.push();
    h.outbox.rejectAll(() => Object.assign(new Error('closed'), { code: 'CLOSED' }) as never);
    expect([...h.results.values()].map(codeOf)).toEqual(['CLOSED', 'CLOSED', 'CLOSED']);
    expect(h.clock.timerCount).toBe(0);
  });

  it('reports when the oldest in-flight message was written', () => {
    const h = setup();
    h.push();
    h.outbox.flush();
    const t = h.clock.now();
    h.clock.advance(10);
    h.push();
    h.outbox.flush();
    expect(h.outbox.oldestWrittenAt()).toBe(t);
  });
});
