import { mkdtempSync, rmSync, appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FileDedupStore, readJournal, type AckwireServer } from '@ackwire/server';
import { newCid, TestClient, useServers } from './helpers.js';

const dirs: string[] = [];
const stores: FileDedupStore[] = [];

function journalPath(): string {
  const dir = mkdtempSync(join(tmpdir(), 'ackwire-journal-'));
  dirs.push(dir);
  return join(dir, 'journal.ndjson');
}

function store(path: string): FileDedupStore {
  const s = new FileDedupStore(path);
  stores.push(s);
  return s;
}

afterEach(() => {
  for (const s of stores.splice(0)) s.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

// Registered after the hook above, so its servers close (like a crash) before their stores do:
// vitest runs afterEach hooks in reverse order of registration.
const start = useServers({ abrupt: true });

/** A server whose `record` handler commits its effect and receipt to the journal. */
async function journaledServer(
  path: string,
): Promise<{ server: AckwireServer; url: string; runs: number[] }> {
  const s = store(path);
  const { server, url } = await start({ dedupStore: s });
  const runs: number[] = [];
  server.handle('record', (data, ctx) => {
    runs.push(ctx.messageId!);
    const result = { stored: ctx.messageId! };
    s.commit({ cid: ctx.clientId, id: ctx.messageId!, effect: data, result });
    return result;
  });
  return { server, url, runs };
}

describe('file dedup store', () => {
  it('rebuilds committed receipts after a restart, so a retried id is answered and not run again', async () => {
    const path = journalPath();
    const cid = newCid();
    const first = await journaledServer(path);
    const a = new TestClient(first.url);
    expect((await a.hello(cid)).resumed).toBe(false);
    a.send({ k: 'msg', id: 1, type: 'record', data: 'one' });
    await a.takeAck(1);
    a.close();
    await first.server.close({ abrupt: true });
    stores.splice(0)[0]!.close();

    const second = await journaledServer(path);
    const b = new TestClient(second.url);
    expect((await b.hello(cid)).resumed).toBe(true);
    b.send({ k: 'msg', id: 1, type: 'record', data: 'one' });
    expect(await b.takeAck(1)).toEqual({ k: 'ack', id: 1, ok: true, data: { stored: 1 } });
    b.send({ k: 'msg', id: 2, type: 'record', data: 'two' });
    expect(await b.takeAck(2)).toMatchObject({ ok: true, data: { stored: 2 } });
    b.close();
    expect(second.runs).toEqual([2]);
    expect(readJournal(path).map((e) => [e.id, e.effect])).toEqual([
      [1, 'one'],
      [2, 'two'],
    ]);
  });

  it('ignores a last line torn by a crash and keeps only the receipt window per client', () => {
    const path = journalPath();
    const s = store(path);
    for (let id = 1; id <= 10; id++) s.commit({ cid: 'c-1', id, result: id });
    s.commit({ cid: 'c-2', id: 7 });
    appendFileSync(path, '{"cid":"c-1","id":11,"res');
    s.close();

    const again = store(path);
    expect(again.size).toBe(2);
    const { window, existed } = again.acquire('c-1', 4);
    expect(existed).toBe(true);
    expect(window.high).toBe(10);
    expect(window.size).toBe(4);
    expect(window.check(10)).toEqual({
      kind: 'done',
      receipt: { k: 'ack', id: 10, ok: true, data: 10 },
    });
    expect(window.check(6)).toEqual({ kind: 'out-of-window' });
    expect(window.check(11)).toEqual({ kind: 'new' });
    expect(again.acquire('c-2', 4).window.check(7)).toMatchObject({ kind: 'done' });
    expect(again.acquire('c-3', 4).existed).toBe(false);
    again.delete('c-1');
    expect(again.acquire('c-1', 4).existed).toBe(false);
    expect(() => {
      again.close();
      again.commit({ cid: 'c-1', id: 12 });
    }).toThrow(/after close/);
  });
});
