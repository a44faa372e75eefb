/**
 * A durable dedup store: exactly-once processing that survives a crash of the server process
 * (`kill -9`), for handlers whose effect can be written to the same journal as their receipt.
 *
 * The in-memory store loses its receipts in a crash, so a message processed just before the
 * crash is processed again when the client retries it. Storing receipts in a file does not fix
 * that by itself: a crash between "effect done" and "receipt stored" still doubles the effect.
 * The fix is to make the effect and the receipt one record: the handler calls
 * {@link FileDedupStore.commit} with its effect and its result, which appends one line to an
 * append-only journal in one synchronous write, and a restarted store rebuilds every receipt
 * window from that journal. A crash before the write: nothing happened, the retry processes the
 * message. After it: the effect happened and the retry gets the rebuilt receipt.
 *
 * Only committed messages are durable; other receipts (errors, `pub`, `bcast`, `to`) stay in
 * memory as with the default store. The journal is never compacted: this is the reference
 * implementation behind the chaos suite's crash runs, not a database.
 */
import { closeSync, existsSync, openSync, readFileSync, writeSync } from 'node:fs';
import type { AckEnvelope, Payload } from '@ackwire/protocol';
import { InMemoryReceiptWindow, type DedupStore, type ReceiptWindow } from './dedup-store.js';

/** One line of the journal: a processed message, its effect and the result its receipt carries. */
export interface JournalEntry {
  /** Client id. */
  cid: string;
  /** Message id. */
  id: number;
  /** The handler's effect, as the application wants to keep it (any JSON value). */
  effect?: unknown;
  /** The ok receipt's `data`; absent for a receipt without data. */
  result?: Payload;
}

/**
 * Reads a journal; a last line cut short by a crash is ignored (its write never completed, so
 * its effect did not happen either).
 */
export function readJournal(path: string): JournalEntry[] {
  if (!existsSync(path)) return [];
  const entries: JournalEntry[] = [];
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    if (line === '') continue;
    try {
      entries.push(JSON.parse(line) as JournalEntry);
    } catch {
      // Only the last line can be torn; anything else would be a corrupt file, which the
      // reference store does not try to repair.
    }
  }
  return entries;
}

function receiptOf(entry: JournalEntry): AckEnvelope {
  const receipt: AckEnvelope = { k: 'ack', id: entry.id, ok: true };
  if (entry.result !== undefined) receipt.data = entry.result;
  return receipt;
}

/** A {@link DedupStore} whose committed receipts survive a crash (see the file comment). */
export class FileDedupStore implements DedupStore {
  readonly #windows = new Map<string, ReceiptWindow>();
  /** Journal entries by client id, waiting for the client to come back after a restart. */
  readonly #recovered = new Map<string, JournalEntry[]>();
  #fd: number | undefined;

  /** Opens (creating when absent) the journal at `path` and reads what it holds. */
  constructor(readonly path: string) {
    for (const entry of readJournal(path)) {
      const list = this.#recovered.get(entry.cid);
      if (list) list.push(entry);
      else this.#recovered.set(entry.cid, [entry]);
    }
    this.#fd = openSync(path, 'a');
  }

  get size(): number {
    return new Set([...this.#windows.keys(), ...this.#recovered.keys()]).size;
  }

  acquire(cid: string, maxInFlight: number): { window: ReceiptWindow; existed: boolean } {
    const held = this.#windows.get(cid);
    if (held) return { window: held, existed: true };
    const window = new InMemoryReceiptWindow(maxInFlight);
    const entries = this.#recovered.get(cid);
    this.#recovered.delete(cid);
    // Replaying in journal order rebuilds `high` and prunes to the window exactly as the live
    // store did.
    for (const entry of entries ?? []) {
      window.begin(entry.id);
      window.settle(entry.id, receiptOf(entry));
    }
    this.#windows.set(cid, window);
    return { window, existed: entries !== undefined };
  }

  /**
   * Records a processed message: its effect and the result its receipt will carry, in one
   * synchronous append. Call it from the handler as its last step, then return `entry.result`.
   * @throws Error when the store was closed
   */
  commit(entry: JournalEntry): void {
    if (this.#fd === undefined) throw new Error('FileDedupStore: commit after close()');
    writeSync(this.#fd, `${JSON.stringify(entry)}\n`);
  }

  delete(cid: string): void {
    this.#windows.delete(cid);
    this.#recovered.delete(cid);
  }

  clear(): void {
    this.#windows.clear();
    this.#recovered.clear();
  }

  /** Closes the journal file. */
  close(): void {
    if (this.#fd !== undefined) closeSync(this.#fd);
    this.#fd = undefined;
  }
}
