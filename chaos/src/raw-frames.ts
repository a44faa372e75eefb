/**
 * RFC 6455 violations, one helper each. Every helper opens a raw TCP connection, upgrades
 * offering `ackwire.v1`, commits one violation and resolves with the server's answer: the close
 * code it sent, the HTTP status it refused the upgrade with, or how the socket ended.
 * A compliant server answers as listed in {@link RFC6455_VIOLATIONS}.
 */
import {
  openRaw,
  type RawAnswer,
  type RawSession,
  type RawTarget,
  type RawUpgradeOptions,
} from './raw-socket.js';
import { Opcode, type RawFrame } from './ws-frame.js';

export type { RawAnswer, RawMessage, RawTarget, RawUpgradeOptions } from './raw-socket.js';

/** A small valid client frame, so the only thing wrong is the violation itself. */
const PING_ENVELOPE = '{"k":"ping","ts":1}';

async function violate(
  target: RawTarget,
  options: RawUpgradeOptions,
  act: (session: RawSession) => Promise<void>,
  answer: { stopOnMessage?: boolean } = {},
): Promise<RawAnswer> {
  const session = await openRaw(target, options);
  try {
    if (!session.upgraded) return await session.answer();
    await act(session);
    return await session.answer(answer);
  } finally {
    session.destroy();
  }
}

const sendOne =
  (frame: RawFrame) =>
  (target: RawTarget, options: RawUpgradeOptions = {}): Promise<RawAnswer> =>
    violate(target, options, (s) => s.send(frame));

/** A client frame without the mask bit (RFC 6455 §5.1: the server must close with 1002). */
export const sendUnmaskedFrame = sendOne({ payload: PING_ENVELOPE, mask: false });

/** A frame with RSV1 set and no extension negotiated (§5.2: fail the connection, 1002). */
export const sendReservedBits = sendOne({ payload: PING_ENVELOPE, rsv: 0b100 });

/** A ping with a 126-byte payload; control frames carry at most 125 (§5.5: 1002). */
export const sendOversizeControlFrame = sendOne({
  opcode: Opcode.PING,
  payload: new Uint8Array(126),
});

/** A text frame whose payload is not UTF-8: `{`, a truncated 2-byte sequence, `}` (§8.1: 1007). */
export const sendInvalidUtf8 = sendOne({
  opcode: Opcode.TEXT,
  payload: Uint8Array.from([0x7b, 0xc3, 0x28, 0x7d]),
});

/** A continuation frame with no message to continue (§5.4: 1002). */
export const sendOrphanContinuation = sendOne({ opcode: Opcode.CONTINUATION, payload: 'orphan' });

/** Options of {@link sendTinyFragments}. */
export interface TinyFragmentsOptions extends RawUpgradeOptions {
  /**
   * Size of the whole message: a valid `vol` envelope padded to this many bytes. Above the
   * server's frame limit (64 KiB) the server must close with 1009 while the fragments still
   * arrive, unless it counts fragments and closes first with 1008 (ws does past
   * `maxFragments`, 16 384 by default in ws 8.23); below both limits, the server should
   * answer the reassembled message like any other.
   * @default 100000
   */
  totalBytes?: number;
  /**
   * Payload bytes per fragment.
   * @default 1
   */
  fragmentBytes?: number;
}

/**
 * One text message cut into many tiny fragments (§5.4 allows it; the cost is per frame). Resolves
 * with the close the server sent, or with `message` when it answered the reassembled message.
 */
export function sendTinyFragments(
  target: RawTarget,
  options: TinyFragmentsOptions = {},
): Promise<RawAnswer> {
  const totalBytes = options.totalBytes ?? 100_000;
  const step = Math.max(1, options.fragmentBytes ?? 1);
  const prefix = '{"k":"vol","type":"chaos.fragments","data":"';
  const suffix = '"}';
  const pad = Math.max(0, totalBytes - prefix.length - suffix.length);
  const message = Buffer.from(prefix + 'x'.repeat(pad) + suffix, 'utf8');
  const frames: RawFrame[] = [];
  for (let at = 0; at < message.length; at += step) {
    frames.push({
      opcode: at === 0 ? Opcode.TEXT : Opcode.CONTINUATION,
      fin: at + step >= message.length,
      payload: message.subarray(at, at + step),
    });
  }
  return violate(target, options, (s) => s.send(...frames), { stopOnMessage: true });
}

/** Options of {@link sendHeaderFlood}. */
export interface HeaderFloodOptions extends RawUpgradeOptions {
  /**
   * Number of extra headers in the upgrade request.
   * @default 5000
   */
  count?: number;
}

/**
 * An upgrade request with thousands of headers. Node's HTTP parser refuses heads over 16 KiB
 * with 431; a server may also just drop the socket. Either is a pass; an upgrade is not.
 */
export function sendHeaderFlood(
  target: RawTarget,
  options: HeaderFloodOptions = {},
): Promise<RawAnswer> {
  const count = options.count ?? 5000;
  const headers = Array.from(
    { length: count },
    (_, i) => [`X-Chaos-${i}`, 'flood-flood-flood'] as const,
  );
  return violate(target, { ...options, headers: [...(options.headers ?? []), ...headers] }, () =>
    Promise.resolve(),
  );
}

/** What a compliant server answers to one violation. */
export type ExpectedAnswer =
  { kind: 'close'; codes: readonly number[] } | { kind: 'http-or-socket-closed'; status: number };

/** A violation, its helper, and the answer RFC 6455 (or Node's HTTP limits) call for. */
export interface Violation {
  readonly name: string;
  readonly send: (target: RawTarget, options?: RawUpgradeOptions) => Promise<RawAnswer>;
  readonly expected: ExpectedAnswer;
}

/** Every violation with its expected answer, for runners that sweep a server. */
export const RFC6455_VIOLATIONS: readonly Violation[] = Object.freeze([
  {
    name: 'unmasked client frame',
    send: sendUnmaskedFrame,
    expected: { kind: 'close', codes: [1002] },
  },
  { name: 'reserved bits set', send: sendReservedBits, expected: { kind: 'close', codes: [1002] } },
  {
    name: 'oversize control frame',
    send: sendOversizeControlFrame,
    expected: { kind: 'close', codes: [1002] },
  },
  { name: 'invalid UTF-8 text', send: sendInvalidUtf8, expected: { kind: 'close', codes: [1007] } },
  {
    name: 'orphan continuation',
    send: sendOrphanContinuation,
    expected: { kind: 'close', codes: [1002] },
  },
  {
    name: 'tiny fragments over the size or fragment limit',
    send: sendTinyFragments,
    expected: { kind: 'close', codes: [1008, 1009] },
  },
  {
    name: 'thousands of upgrade headers',
    send: sendHeaderFlood,
    expected: { kind: 'http-or-socket-closed', status: 431 },
  },
]);

/** True when `answer` is what {@link ExpectedAnswer} calls for. */
export function answerMatches(answer: RawAnswer, expected: ExpectedAnswer): boolean {
  if (expected.kind === 'close')
    return answer.kind === 'close' && expected.codes.includes(answer.code);
  return (
    (answer.kind === 'http' && answer.status === expected.status) || answer.kind === 'socket-closed'
  );
}

/** One line describing an answer, for runner output. */
export function describeAnswer(answer: RawAnswer): string {
  switch (answer.kind) {
    case 'close':
      return `close ${answer.code}${answer.reason ? ` (${answer.reason})` : ''}`;
    case 'http':
      return `HTTP ${answer.status}`;
    case 'socket-closed':
      return `socket closed${answer.error ? ` (${answer.error})` : ''}`;
    case 'message':
      return `answered with ${answer.messages.length} message(s)`;
    case 'timeout':
      return 'no answer (timeout)';
  }
}
