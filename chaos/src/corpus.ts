/**
 * The seed corpus of the codec fuzzer: one or more valid envelopes of every kind in both
 * directions (docs/protocol.md §4, §5), encoded by the protocol package itself, as text frames
 * and, for kinds that may carry bytes (§7.2), as binary frames.
 */
import { encode, type ClientEnvelope, type Envelope, type ServerEnvelope } from '@ackwire/protocol';

const CID = 'c1ient-A7Hq2mPx';
const bytes = Uint8Array.from([0, 1, 2, 0x7f, 0x80, 0xff]);

/** Valid envelopes a client may send. */
export const CLIENT_ENVELOPES: readonly ClientEnvelope[] = [
  { k: 'hello', cid: CID },
  {
    k: 'hello',
    cid: CID,
    token: 'eyJhbGciOiJIUzI1NiJ9.e30.sig',
    floor: 41,
    subs: [{ topic: 'chat/room-1', epoch: 'Xk3vQ9aL', offset: 17 }, { topic: 'news' }],
  },
  { k: 'msg', id: 1, type: 'chat.send', data: { room: 'room-1', text: 'hi', n: [1, 2.5, -3] } },
  { k: 'msg', id: 2, type: 'noop' },
  { k: 'msg', id: 3, type: 'grüße', data: 'héllo ✓ 😀' },
  { k: 'msg', id: 4, type: 'upload', data: bytes },
  { k: 'vol', type: 'cursor', data: { x: 1, y: 2 } },
  { k: 'vol', type: 'blob', data: bytes },
  { k: 'sub', id: 5, topic: 'prices:EUR' },
  { k: 'sub', id: 6, topic: 'chat/room-1', epoch: 'Xk3vQ9aL', offset: 0 },
  { k: 'unsub', id: 7, topic: 'prices:EUR' },
  { k: 'pub', id: 8, topic: 'chat/room-1', data: { text: 'hello' } },
  { k: 'pub', id: 9, topic: 'bin', data: bytes },
  { k: 'bcast', id: 10, type: 'announce', data: null },
  { k: 'bcast', id: 11, type: 'announce', data: bytes },
  { k: 'to', id: 12, cid: 'other-client-1', type: 'dm', data: { text: 'psst' } },
  { k: 'to', id: 13, cid: 'other-client-1', type: 'dm', data: bytes },
  { k: 'ping', ts: 1_700_000_000_000 },
  { k: 'pong', ts: 12.5 },
];

/** Valid envelopes a server may send. */
export const SERVER_ENVELOPES: readonly ServerEnvelope[] = [
  {
    k: 'welcome',
    sid: 's-1',
    resumed: false,
    hb: { interval: 25_000, timeout: 10_000 },
    limits: { maxBytes: 65_536, maxInFlight: 256 },
    ttl: 120_000,
    subs: [
      { topic: 'news', ok: true, epoch: 'Xk3vQ9aL', offset: 3, recovered: true },
      { topic: 'secret', ok: false, error: { code: 'FORBIDDEN', message: 'no' } },
    ],
  },
  { k: 'ack', id: 1, ok: true },
  { k: 'ack', id: 2, ok: true, data: { epoch: 'Xk3vQ9aL', offset: 4 } },
  { k: 'ack', id: 3, ok: true, data: bytes },
  { k: 'ack', id: 4, ok: false, err: { code: 'HANDLER_ERROR', message: 'boom' } },
  { k: 'push', type: 'dm', data: { text: 'psst' }, from: CID },
  { k: 'push', type: 'system', data: bytes },
  { k: 'event', topic: 'news', epoch: 'Xk3vQ9aL', offset: 4, ts: 1_700_000_000_000, data: [1] },
  { k: 'event', topic: 'bin', epoch: 'Xk3vQ9aL', offset: 5, ts: 1_700_000_000_001, data: bytes },
  { k: 'goaway', after: 5000, reason: 'restart' },
  { k: 'error', err: { code: 'PROTOCOL_INVALID_FIELD', message: 'msg.id: expected...' } },
  { k: 'ping', ts: 1 },
  { k: 'pong', ts: 1 },
];

/** Encodes an envelope as JSON text even when its data is bytes (as an array of numbers). */
function asText(envelope: Envelope): string {
  const data = (envelope as { data?: unknown }).data;
  if (!(data instanceof Uint8Array)) return encode(envelope) as string;
  return JSON.stringify({ ...envelope, data: [...data] });
}

/** Every corpus envelope as the frames a peer would send: text always, binary when it can. */
export function corpusFrames(): (string | Uint8Array)[] {
  const frames: (string | Uint8Array)[] = [];
  for (const envelope of [...CLIENT_ENVELOPES, ...SERVER_ENVELOPES]) {
    frames.push(asText(envelope));
    const encoded = encode(envelope);
    if (encoded instanceof Uint8Array) frames.push(encoded);
  }
  return frames;
}
