import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Outbox, type OutboxEntry } from '../src/outbox.js';
import { FakeClock } from './fake-clock.js';

type Op =
  | { k: 'send' }
  | { k: 'flush' }
  | { k: 'ack'; pick: number }
  | { k: 'reconnect' }
  | { k: 'time'; ms: number };

const op: fc.Arbitrary<Op> = fc.oneof(
  fc.constant<Op>({ k: 'send' }),
  fc.constant<Op>({ k: 'flush' }),
  fc.nat(50).map<Op>((pick) => ({ k: 'ack', pick })),
  fc.constant<Op>({ k: 'reconnect' }),
  fc.integer({ min: 1, max: 30_000 }).map<Op>((ms) => ({ k: 'time', ms })),
);

describe('outbox properties', () => {
  it('writes each connection in id order inside the window, and settles every message exactly once', () => {
    fc.assert(
      fc.property(
        fc.array(op, { maxLength: 300 }),
        fc.integer({ min: 1, max: 8 }),
        (ops, window) => {
          const clock = new FakeClock();
          const settled = new Map<number, number>();
          let connection: number[] = [];
          const inFlight = new Set<number>();
          const outbox = new Outbox(
            {
              clock,
              maxQueue: 20,
              maxQueueBytes: 1 << 20,
              overflow: 'drop-oldest',
              maxAttempts: Infinity,
              maxInFlight: window,
              maxMessageBytes: 65_536,
            },
            {
              _write: (e) => {
                // Window rule (§3): never an id at or beyond floor + window.
                expect(e._id).toBeLessThan(outbox._floor() + window);
                // Each connection sees ids in increasing order.
                if (connection.length > 0)
                  expect(e._id).toBeGreaterThan(connection[connection.length - 1]!);
                connection.push(e._id);
                inFlight.add(e._id);
                return true;
              },
              _settled: () => {},
            },
          );
          const count = (id: number) => settled.set(id, (settled.get(id) ?? 0) + 1);
          let sent = 0;
          for (const o of ops) {
            if (o.k === 'send') {
              const id = outbox._peekId();
              const entry: OutboxEntry = {
                _id: id,
                _kind: 'msg',
                _frame: 'x',
                _bytes: 1,
                _createdAt: clock.now(),
                _deadline: clock.now() + 60_000,
                _attempts: 0,
                _writtenAt: undefined,
                _resolve: () => count(id),
                _reject: () => count(id),
              };
              outbox._add(entry);
              sent++;
            } else if (o.k === 'flush') outbox._flush();
            else if (o.k === 'ack') {
              const ids = [...inFlight];
              const id = ids[o.pick % Math.max(1, ids.length)];
              if (id !== undefined) {
                inFlight.delete(id);
                outbox._settle(id, undefined);
              }
            } else if (o.k === 'reconnect') {
              outbox._requeueInFlight();
              inFlight.clear();
              connection = [];
            } else {
              // The session's one timer checks deadlines when it fires.
              clock.advance(o.ms);
              outbox._expire(clock.now());
            }
          }
          outbox._rejectAll(() => Object.assign(new Error('closed'), { code: 'CLOSED' }) as never);
          expect(settled.size).toBe(sent);
          for (const n of settled.values()) expect(n).toBe(1);
          expect(outbox._bytes).toBe(0);
        },
      ),
      { numRuns: 300 },
    );
  });
});
