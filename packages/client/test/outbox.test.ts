import { describe, expect, it } from 'vitest';
import { Outbox, type OutboxEntry, type OutboxOptions } from '../src/outbox.js';
import { FakeClock } from './fake-clock.js';

interface Harness {
  clock: FakeClock;
  outbox: Outbox;
  written: number[];
  results: Map<number, { ok: boolean; value: unknown }>;
  canWrite: { value: boolean };
  push(bytes?: number, timeoutMs?: number): OutboxEntry;
  /** Advances time as the session's one timer would: deadlines are checked when it fires. */
  advance(ms: number): void;
}

function setup(limits: Partial<OutboxOptions> = {}, window = 256): Harness {
  const clock = new FakeClock();
  const written: number[] = [];
  const results = new Map<number, { ok: boolean; value: unknown }>();
  const canWrite = { value: true };
  const outbox = new Outbox(
    {
      clock,
      maxQueue: 1000,
      maxQueueBytes: 1 << 20,
      overflow: 'reject',
      maxAttempts: Infinity,
      maxInFlight: window,
      maxMessageBytes: 65_536,
      ...limits,
    },
    {
      _write: (e) => {
        if (!canWrite.value) return false;
        written.push(e._id);
        return true;
      },
      _settled: () => {},
    },
  );
  const push = (bytes = 10, timeoutMs = 60_000): OutboxEntry => {
    const id = outbox._peekId();
    const entry: OutboxEntry = {
      _id: id,
      _kind: 'msg',
      _frame: 'x',
      _bytes: bytes,
      _createdAt: clock.now(),
      _deadline: clock.now() + timeoutMs,
      _attempts: 0,
      _writtenAt: undefined,
      _resolve: (receipt) => results.set(id, { ok: true, value: receipt.data }),
      _reject: (value) => results.set(id, { ok: false, value }),
    };
    outbox._add(entry);
    return entry;
  };
  const advance = (ms: number): void => {
    clock.advance(ms);
    outbox._expire(clock.now());
  };
  return { clock, outbox, written, results, canWrite, push, advance };
}

const codeOf = (r: { value: unknown } | undefined) =>
  (r?.value as { code?: string } | undefined)?.code;

describe('outbox order', () => {
  it('assigns increasing ids and writes in id order', () => {
    const h = setup();
    for (let i = 0; i < 5; i++) h.push();
    h.outbox._flush();
    expect(h.written).toEqual([1, 2, 3, 4, 5]);
    expect(h.outbox._inFlightCount).toBe(5);
    expect(h.outbox._queuedCount).toBe(0);
  });

  it('re-sends unsettled messages first after a reconnect, with their original ids', () => {
    const h = setup();
    for (let i = 0; i < 5; i++) h.push();
    h.outbox._flush();
    h.outbox._settle(2, 'b');
    h.canWrite.value = false;
    h.push();
    h.push();
    h.outbox._flush();
    h.outbox._requeueInFlight();
    expect(h.outbox._floor()).toBe(1);
    h.written.length = 0;
    h.canWrite.value = true;
    h.outbox._flush();
    expect(h.written).toEqual([1, 3, 4, 5, 6, 7]);
    expect(h.results.get(2)).toEqual({ ok: true, value: 'b' });
  });

  it('never writes an id at or beyond floor + window', () => {
    const h = setup({}, 3);
    for (let i = 0; i < 6; i++) h.push();
    h.outbox._flush();
    expect(h.written).toEqual([1, 2, 3]);
    // Settling a later id does not move the floor.
    h.outbox._settle(3, undefined);
    h.outbox._flush();
    expect(h.written).toEqual([1, 2, 3]);
    h.outbox._settle(1, undefined);
    h.outbox._flush();
    expect(h.written).toEqual([1, 2, 3, 4]);
    expect(h.outbox._floor()).toBe(2);
  });

  it('reports the floor as the next id when nothing is unsettled', () => {
    const h = setup();
    h.push();
    h.outbox._flush();
    h.outbox._settle(1, undefined);
    expect(h.outbox._floor()).toBe(2);
  });

  it('ignores receipts for unknown or settled ids', () => {
    const h = setup();
    h.push();
    expect(h.outbox._settle(7, undefined)).toBe(false);
    h.outbox._flush();
    expect(h.outbox._settle(1, 1)).toBe(true);
    expect(h.outbox._settle(1, 2)).toBe(false);
    expect(h.results.get(1)).toEqual({ ok: true, value: 1 });
  });
});

describe('outbox bounds and overflow', () => {
  it('rejects the new message with QUEUE_FULL by count', () => {
    const h = setup({ maxQueue: 2 });
    h.push();
    h.push();
    expect(() => h.push()).toThrow(expect.objectContaining({ code: 'QUEUE_FULL' }));
    expect(h.outbox._queuedCount).toBe(2);
  });

  it('rejects the new message with QUEUE_FULL by bytes', () => {
    const h = setup({ maxQueueBytes: 100 });
    h.push(60);
    expect(() => h.push(50)).toThrow(expect.objectContaining({ code: 'QUEUE_FULL' }));
    h.push(40);
    expect(h.outbox._bytes).toBe(100);
    expect(() => h.push(101)).toThrow(/can never fit/);
  });

  it('evicts the oldest queued message with DROPPED under drop-oldest', () => {
    const h = setup({ maxQueue: 3, overflow: 'drop-oldest' });
    h.push();
    h.push();
    h.push();
    h.push();
    expect(codeOf(h.results.get(1))).toBe('DROPPED');
    expect(h.outbox._queuedCount).toBe(3);
    expect(h.outbox._floor()).toBe(2);
  });

  it('does not evict in-flight messages: with only those, the new one is refused', () => {
    const h = setup({ maxQueue: 2, overflow: 'drop-oldest' });
    h.push();
    h.push();
    h.outbox._flush();
    expect(() => h.push()).toThrow(expect.objectContaining({ code: 'QUEUE_FULL' }));
  });

  it('frees room as messages settle', () => {
    const h = setup({ maxQueue: 1 });
    h.push();
    expect(h.outbox._hasRoom()).toBe(false);
    h.outbox._flush();
    h.outbox._settle(1, undefined);
    expect(h.outbox._hasRoom()).toBe(true);
    expect(h.outbox._bytes).toBe(0);
  });
});

describe('outbox deadlines and attempts', () => {
  it('rejects with TIMEOUT at the deadline, queued or in flight', () => {
    const h = setup();
    h.push(10, 1000);
    h.outbox._flush();
    h.canWrite.value = false;
    h.push(10, 2000);
    h.outbox._flush();
    h.advance(1000);
    expect(codeOf(h.results.get(1))).toBe('TIMEOUT');
    expect(h.results.has(2)).toBe(false);
    h.advance(1000);
    expect(codeOf(h.results.get(2))).toBe('TIMEOUT');
    // Nothing left to time out: no next deadline.
    expect(h.outbox._expire(h.clock.now())).toBe(Infinity);
  });

  it('clamps deadlines to the server ttl', () => {
    const h = setup();
    h.push(10, 60_000);
    expect(h.outbox._clampDeadlines(5_000)).toBe(h.clock.now() + 5_000);
    h.advance(5_000);
    expect(codeOf(h.results.get(1))).toBe('TIMEOUT');
  });

  it('rejects with RETRIES_EXHAUSTED after maxAttempts writes', () => {
    const h = setup({ maxAttempts: 2 });
    h.push();
    h.outbox._flush();
    h.outbox._requeueInFlight();
    h.outbox._flush();
    h.outbox._requeueInFlight();
    h.outbox._flush();
    expect(h.written).toEqual([1, 1]);
    expect(codeOf(h.results.get(1))).toBe('RETRIES_EXHAUSTED');
  });

  it('rejects messages larger than the server maxBytes when it is learned', () => {
    const h = setup();
    h.push(1000);
    h.outbox._maxBytes = 500;
    h.outbox._flush();
    expect(codeOf(h.results.get(1))).toBe('MESSAGE_TOO_LARGE');
  });

  it('rejectAll settles everything', () => {
    const h = setup();
    h.push();
    h.push();
    h.outbox._flush();
    h.push();
    h.outbox._rejectAll(() => Object.assign(new Error('closed'), { code: 'CLOSED' }) as never);
    expect([...h.results.values()].map(codeOf)).toEqual(['CLOSED', 'CLOSED', 'CLOSED']);
    expect(h.outbox._bytes).toBe(0);
    expect(h.outbox._expire(h.clock.now())).toBe(Infinity);
  });

  it('treats an overdue receipt first as a probe, then writes it again with the same id', () => {
    const h = setup();
    h.push();
    h.outbox._flush();
    const t0 = h.clock.now();
    expect(h.outbox._overdue(t0 + 999, 1000)).toEqual({ probe: false, next: t0 + 1000 });
    expect(h.outbox._overdue(t0 + 1000, 1000)).toEqual({ probe: true, next: t0 + 2000 });
    expect(h.written).toEqual([1]);
    // The link proved alive (no replacement) and the receipt is still missing: ask again.
    h.clock.time = t0 + 2000;
    expect(h.outbox._overdue(t0 + 2000, 1000)).toEqual({ probe: false, next: t0 + 3000 });
    expect(h.written).toEqual([1, 1]);
    h.outbox._settle(1, 'ok');
    expect(h.results.get(1)).toEqual({ ok: true, value: 'ok' });
    expect(h.outbox._overdue(t0 + 5000, 1000)).toEqual({ probe: false, next: Infinity });
  });
});
