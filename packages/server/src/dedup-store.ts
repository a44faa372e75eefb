/**
 * Exactly-once processing of client messages (docs/protocol.md §9). Per client id the store
 * keeps `high`, the highest id seen, and the receipts (or in-progress markers) of ids in
 * (high - maxInFlight, high]. Clients never send an id at or past floor + maxInFlight, so this
 * window covers every id a client can still retry, and memory is bounded by maxInFlight
 * receipts per client id.
 */
import type { AckEnvelope } from '@ackwire/protocol';

/** What the window knows about one incoming id. */
export type DedupVerdict =
  /** Never seen: process it. */
  | { kind: 'new' }
  /** Processed: answer with the stored receipt, do not process again. */
  | { kind: 'done'; receipt: AckEnvelope }
  /** Being processed: its receipt goes out when the handler settles. */
  | { kind: 'pending' }
  /** Too old to tell (below the window or the client's floor): refuse with ID_OUT_OF_WINDOW. */
  | { kind: 'out-of-window' };

/** Receipt window of one client id. */
export interface ReceiptWindow {
  /** Highest id seen (0 before any). */
  readonly high: number;
  /** Entries currently held (receipts plus in-progress markers); never above maxInFlight + 1. */
  readonly size: number;
  /** Looks an id up without changing anything. */
  check(id: number): DedupVerdict;
  /** Marks an id as being processed. */
  begin(id: number): void;
  /** Stores the receipt of an id that was begun (ignored when the id left the window). */
  settle(id: number, receipt: AckEnvelope): void;
  /** Forgets ids below `floor`: the client says it has settled all of them (`hello.floor`). */
  applyFloor(floor: number): void;
}

/**
 * Where receipt windows live. The in-memory store is the default; a durable implementation
 * makes dedup survive server restarts.
 */
export interface DedupStore {
  /** The window of `cid`, created empty when absent; `existed` tells whether one was held. */
  acquire(cid: string, maxInFlight: number): { window: ReceiptWindow; existed: boolean };
  /** Drops the window of `cid` (its session expired). */
  delete(cid: string): void;
  /** Number of client ids held. */
  readonly size: number;
  /** Drops every window. */
  clear(): void;
}

/** Marks an id that is being processed (its receipt is not known yet). */
const PENDING = 0;

// The verdicts without a receipt are shared: checking runs once per message (issue 7).
const NEW: DedupVerdict = Object.freeze({ kind: 'new' });
const IN_PROGRESS: DedupVerdict = Object.freeze({ kind: 'pending' });
const OUT_OF_WINDOW: DedupVerdict = Object.freeze({ kind: 'out-of-window' });

/** In-memory receipt window: a map by id, pruned to the window whenever it outgrows it. */
export class InMemoryReceiptWindow implements ReceiptWindow {
  readonly #maxInFlight: number;
  readonly #entries = new Map<number, AckEnvelope | typeof PENDING>();
  #high = 0;
  #floor = 0;
  /** No id below this is held: pruning resumes here instead of visiting every entry. */
  #low = 0;

  constructor(maxInFlight: number) {
    this.#maxInFlight = maxInFlight;
  }

  get high(): number {
    return this.#high;
  }

  get size(): number {
    return this.#entries.size;
  }

  check(id: number): DedupVerdict {
    const entry = this.#entries.get(id);
    if (entry !== undefined)
      return entry === PENDING ? IN_PROGRESS : { kind: 'done', receipt: entry };
    if (id <= this.#high - this.#maxInFlight || id < this.#floor) return OUT_OF_WINDOW;
    return NEW;
  }

  begin(id: number): void {
    this.#entries.set(id, PENDING);
    if (id > this.#high) this.#high = id;
    if (id < this.#low) this.#low = id;
    if (this.#entries.size > this.#maxInFlight) this.#prune();
  }

  settle(id: number, receipt: AckEnvelope): void {
    if (this.#entries.has(id)) this.#entries.set(id, receipt);
  }

  applyFloor(floor: number): void {
    if (floor <= this.#floor) return;
    this.#floor = floor;
    this.#prune();
  }

  // Ids at or below high - maxInFlight, or below the floor, can no longer be retried by a
  // client that keeps the window rule, so their receipts are dead weight.
  // Ids mostly arrive in order, so the ids to drop are the few between the last prune and
  // `oldest`: deleting those by number costs what was added since, where visiting every entry
  // cost the whole window per message once it was full. A jump wider than the map (a floor far
  // ahead, sparse ids) visits the entries instead.
  #prune(): void {
    const oldest = Math.max(this.#high - this.#maxInFlight + 1, this.#floor);
    if (oldest - this.#low <= this.#entries.size) {
      for (let id = this.#low; id < oldest; id++) this.#entries.delete(id);
    } else {
      for (const id of this.#entries.keys()) {
        if (id < oldest) this.#entries.delete(id);
      }
    }
    if (oldest > this.#low) this.#low = oldest;
  }
}

/** The default store: windows in a Map, lost when the process exits. */
export class InMemoryDedupStore implements DedupStore {
  readonly #windows = new Map<string, ReceiptWindow>();

  get size(): number {
    return this.#windows.size;
  }

  acquire(cid: string, maxInFlight: number): { window: ReceiptWindow; existed: boolean } {
    const held = this.#windows.get(cid);
    if (held) return { window: held, existed: true };
    const window = new InMemoryReceiptWindow(maxInFlight);
    this.#windows.set(cid, window);
    return { window, existed: false };
  }

  delete(cid: string): void {
    this.#windows.delete(cid);
  }

  clear(): void {
    this.#windows.clear();
  }
}
