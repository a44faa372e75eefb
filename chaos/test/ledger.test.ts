import { describe, expect, it } from 'vitest';
import { checkMessages, checkStream, type StreamItem } from '../src/ledger.js';

describe('message ledger', () => {
  it('counts lost, duplicated, reordered and unsettled messages', () => {
    const verdict = checkMessages(
      [
        { cid: 'a', seq: 0, status: 'ok' },
        { cid: 'a', seq: 1, status: 'ok' },
        { cid: 'a', seq: 2, status: 'ok' },
        { cid: 'a', seq: 3, status: 'failed' },
        { cid: 'b', seq: 0, status: 'pending' },
      ],
      [
        { cid: 'a', id: 1, seq: 0 },
        { cid: 'a', id: 3, seq: 2 },
        { cid: 'a', id: 1, seq: 0 },
        { cid: 'a', id: 9, seq: 2 },
        { cid: 'a', id: 4, seq: 3 },
        { cid: 'b', id: 2, seq: 1 },
        { cid: 'b', id: 1, seq: 0 },
      ],
    );
    expect(verdict).toEqual({
      sent: 5,
      processed: 7,
      lost: 1,
      duplicated: 2,
      reordered: 1,
      unsettled: 2,
    });
  });
});

const sub = (epoch: string, offset: number, recovered = true, initial = false): StreamItem => ({
  t: 'subscribed',
  epoch,
  offset,
  recovered,
  initial,
});
const ev = (epoch: string, offset: number, seq: number): StreamItem => ({
  t: 'event',
  epoch,
  offset,
  seq,
});

describe('stream ledger', () => {
  it('accepts a stream whose restart surfaced as recovered: false and a gap', () => {
    const items: StreamItem[] = [
      sub('e1', 2, false, true),
      ev('e1', 3, 30),
      ev('e1', 4, 40),
      {
        t: 'gap',
        previous: { epoch: 'e1', offset: 4 },
        current: { epoch: 'e2', offset: 5 },
        cause: 'epoch',
      },
      sub('e2', 5, false),
      ev('e2', 6, 90),
    ];
    expect(checkStream(items, { epoch: 'e2', offset: 6 })).toMatchObject({
      delivered: 3,
      lost: 0,
      duplicated: 0,
      reordered: 0,
      silentGaps: 0,
      reportedGaps: 1,
      unrecovered: 1,
      stuck: 0,
    });
  });

  it('counts holes, silent epoch changes, duplicates, reordering, a short tail and a stuck stream', () => {
    const holes = [
      sub('e1', 0, false, true),
      ev('e1', 1, 1),
      ev('e1', 4, 4),
      ev('e1', 4, 4),
      ev('e1', 3, 3),
    ];
    expect(checkStream(holes, { epoch: 'e1', offset: 6 })).toMatchObject({
      silentGaps: 1,
      lost: 2 + 2,
      duplicated: 1,
      reordered: 1,
    });
    const silentEpoch = [sub('e1', 0, false, true), ev('e1', 1, 1), ev('e2', 1, 2)];
    expect(checkStream(silentEpoch, { epoch: 'e2', offset: 1 })).toMatchObject({
      silentGaps: 1,
      lost: 0,
    });
    const stuck = [sub('e1', 0, false, true), ev('e1', 1, 1)];
    expect(checkStream(stuck, { epoch: 'e2', offset: 3 })).toMatchObject({ stuck: 1, lost: 3 });
  });
});
