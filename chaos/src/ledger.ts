/**
 * The books of a chaos run: what was sent and published, what was processed and received, and
 * the verdict "nothing lost, nothing doubled, never stuck" computed from them. Pure functions
 * over plain records, so the rules can be unit-tested without a network.
 */

/** One acknowledged message a client sent, as the sender saw it settle. */
export interface SentMessage {
  cid: string;
  /** The sender's sequence number, carried in the message data (`{ seq }`). */
  seq: number;
  /** `ok`: the promise resolved; `failed`: it rejected; `pending`: not settled by the deadline. */
  status: 'ok' | 'failed' | 'pending';
}

/** One processed message, as the server's journal recorded it. */
export interface ProcessedMessage {
  cid: string;
  id: number;
  seq: number;
}

/** Counts of the message ledger. */
export interface MessageVerdict {
  sent: number;
  processed: number;
  /** Acknowledged to the sender but never processed. */
  lost: number;
  /** Processed more than once (same id, or same sequence number under another id). */
  duplicated: number;
  /** Processed out of the sender's order. */
  reordered: number;
  /** Never acknowledged: rejected, or still pending at the deadline. */
  unsettled: number;
}

/** Checks every sent message against the journal. */
export function checkMessages(
  sent: readonly SentMessage[],
  processed: readonly ProcessedMessage[],
): MessageVerdict {
  const ids = new Set<string>();
  const seqs = new Set<string>();
  const lastSeq = new Map<string, number>();
  let duplicated = 0;
  let reordered = 0;
  for (const p of processed) {
    const idKey = `${p.cid}#${p.id}`;
    const seqKey = `${p.cid}#${p.seq}`;
    if (ids.has(idKey) || seqs.has(seqKey)) {
      duplicated++;
      continue;
    }
    ids.add(idKey);
    seqs.add(seqKey);
    const last = lastSeq.get(p.cid) ?? -Infinity;
    if (p.seq < last) reordered++;
    else lastSeq.set(p.cid, p.seq);
  }
  let lost = 0;
  let unsettled = 0;
  for (const s of sent) {
    if (s.status !== 'ok') unsettled++;
    else if (!seqs.has(`${s.cid}#${s.seq}`)) lost++;
  }
  return { sent: sent.length, processed: processed.length, lost, duplicated, reordered, unsettled };
}

/** A position in a topic stream. */
export interface Position {
  epoch: string;
  offset: number;
}

/** What one subscription saw, in the order the application saw it. */
export type StreamItem =
  | { t: 'subscribed'; recovered: boolean; initial: boolean; epoch: string; offset: number }
  | { t: 'gap'; previous: Position; current: Position; cause: string }
  | { t: 'event'; epoch: string; offset: number; seq: number };

/** Counts of one or more subscription streams. */
export interface StreamVerdict {
  delivered: number;
  /** Events owed to the subscriber (after its position, no gap reported) that never came. */
  lost: number;
  /** Events delivered twice (same position, or the same publication at another position). */
  duplicated: number;
  /** Events delivered before an earlier one of the same epoch. */
  reordered: number;
  /** Holes or epoch changes the application was not told about. */
  silentGaps: number;
  /** Gaps the application was told about (`gap` events). */
  reportedGaps: number;
  /** Resubscribes that said `recovered: false` (every topic restart must produce one). */
  unrecovered: number;
  /** Subscriptions that ended on an older epoch than the topic's current one. */
  stuck: number;
}

/** An all-zero verdict, to add streams into. */
export function emptyStreamVerdict(): StreamVerdict {
  return {
    delivered: 0,
    lost: 0,
    duplicated: 0,
    reordered: 0,
    silentGaps: 0,
    reportedGaps: 0,
    unrecovered: 0,
    stuck: 0,
  };
}

/** Adds `b` into `a`. */
export function addStreamVerdict(a: StreamVerdict, b: StreamVerdict): StreamVerdict {
  for (const key of Object.keys(a) as (keyof StreamVerdict)[]) a[key] += b[key];
  return a;
}

/**
 * Walks one subscription's stream. The subscriber is owed every event after its position; a
 * reported gap (or a `recovered: false` resubscribe) moves the position without blame. `final`
 * is the topic's last position once publishing stopped: a subscriber behind it lost the rest,
 * one on an older epoch is stuck.
 */
export function checkStream(
  items: readonly StreamItem[],
  final: Position | undefined,
): StreamVerdict {
  const v = emptyStreamVerdict();
  const seenPositions = new Set<string>();
  const seenSeqs = new Set<number>();
  let pos: Position | undefined;
  for (const item of items) {
    if (item.t === 'subscribed') {
      if (item.initial || pos === undefined) pos = { epoch: item.epoch, offset: item.offset };
      else if (!item.recovered) {
        v.unrecovered++;
        pos = { epoch: item.epoch, offset: item.offset };
      } else if (item.epoch !== pos.epoch) {
        // "Recovered" onto another epoch: whatever was left of the old one vanished unreported.
        v.silentGaps++;
        pos = { epoch: item.epoch, offset: item.offset };
      }
      continue;
    }
    if (item.t === 'gap') {
      v.reportedGaps++;
      pos = { ...item.current };
      continue;
    }
    const key = `${item.epoch}:${item.offset}`;
    if (seenPositions.has(key) || seenSeqs.has(item.seq)) {
      v.duplicated++;
      continue;
    }
    seenPositions.add(key);
    seenSeqs.add(item.seq);
    v.delivered++;
    if (pos === undefined || item.epoch !== pos.epoch) {
      v.silentGaps++;
      pos = { epoch: item.epoch, offset: item.offset };
    } else if (item.offset <= pos.offset) {
      v.reordered++;
    } else {
      if (item.offset > pos.offset + 1) {
        v.silentGaps++;
        v.lost += item.offset - pos.offset - 1;
      }
      pos = { epoch: item.epoch, offset: item.offset };
    }
  }
  if (final !== undefined && pos !== undefined) {
    if (pos.epoch !== final.epoch) {
      v.stuck++;
      v.lost += final.offset;
    } else if (final.offset > pos.offset) {
      v.lost += final.offset - pos.offset;
    }
  }
  return v;
}
