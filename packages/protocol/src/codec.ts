/**
 * The codec interface (docs/protocol.md §2): one `encode` and one `decode`, each choosing the
 * text or binary codec per message. Binary data goes in a binary frame; anything else in text.
 */
import type { ClientEnvelope, Envelope, ServerEnvelope } from './envelope.js';
import { ProtocolError } from './errors.js';
import { DEFAULT_LIMITS, resolveLimits, type ProtocolLimits } from './limits.js';
import { encodeBinary, readBinary } from './binary-codec.js';
import { checkFiniteData, encodeJson, readJson } from './json-codec.js';
import {
  CLIENT_SENDS,
  SERVER_SENDS,
  validateKinds,
  type Direction,
  type KindTables,
} from './validate.js';

/** A frame as transports deliver it: text, or bytes in any of the usual containers. */
export type Frame = string | Uint8Array | ArrayBuffer;

/**
 * Encodes one envelope into the payload of one frame: a `Uint8Array` (send as a binary frame)
 * when its `data` is a `Uint8Array`, otherwise a string (send as a text frame).
 */
export function encode(envelope: Envelope): string | Uint8Array {
  const data = (envelope as { data?: unknown }).data;
  if (data instanceof Uint8Array) return encodeBinary(envelope);
  if (data instanceof ArrayBuffer) {
    return encodeBinary({ ...envelope, data: new Uint8Array(data) } as Envelope);
  }
  return encodeJson(envelope);
}

/**
 * True when `limits` sets every limit, so resolving it would only copy it: callers that
 * resolved their limits once (clients, servers) then pay no object spread per frame.
 */
function isComplete(limits: Partial<ProtocolLimits> | undefined): limits is ProtocolLimits {
  if (!limits) return false;
  if (completeLimits.has(limits)) return true;
  for (const key of LIMIT_KEYS) if (typeof limits[key] !== 'number') return false;
  completeLimits.add(limits);
  return true;
}

/**
 * Limits objects already found complete: a client or server passes the same one with every
 * frame, which then costs one look-up instead of a keyed read per limit (issue 7). A set, not
 * one slot, because a process may hold many clients, each with its own limits.
 */
const completeLimits = /* @__PURE__ */ new WeakSet<object>();

const LIMIT_KEYS = /* @__PURE__ */ Object.keys(DEFAULT_LIMITS) as (keyof ProtocolLimits)[];

/** Decodes one frame in the given direction; see {@link decodeClientFrame}. */
export function decodeFrame(
  frame: Frame,
  from: Direction,
  limits?: Partial<ProtocolLimits>,
): Envelope {
  return decodeAs(frame, from, from === 'client' ? CLIENT_SENDS : SERVER_SENDS, limits);
}

/**
 * Decodes a frame a client sent (for servers). Every result passed the validator.
 * @throws ProtocolError and nothing else.
 */
export function decodeClientFrame(frame: Frame, limits?: Partial<ProtocolLimits>): ClientEnvelope {
  return decodeAs(frame, 'client', CLIENT_SENDS, limits) as ClientEnvelope;
}

/**
 * Decodes a frame a server sent (for clients). Every result passed the validator. Only the
 * table of what servers send is reached from here, so a client bundle that does not validate
 * client kinds itself leaves that table out.
 * @throws ProtocolError and nothing else.
 */
export function decodeServerFrame(frame: Frame, limits?: Partial<ProtocolLimits>): ServerEnvelope {
  return decodeAs(frame, 'server', SERVER_SENDS, limits) as ServerEnvelope;
}

/** Decodes one frame sent by `from`, whose kinds are `kinds`: the codec by frame type (§2). */
function decodeAs(
  frame: Frame,
  from: Direction,
  kinds: KindTables,
  limits: Partial<ProtocolLimits> | undefined,
): Envelope {
  const l = isComplete(limits) ? limits : resolveLimits(limits);
  let value: unknown;
  if (typeof frame === 'string') value = readJson(frame, l);
  else if (frame instanceof Uint8Array) value = readBinary(frame, l);
  else if (frame instanceof ArrayBuffer) value = readBinary(new Uint8Array(frame), l);
  else {
    throw new ProtocolError(
      'PROTOCOL_INVALID_ENVELOPE',
      'frame: expected a string, Uint8Array or ArrayBuffer',
    );
  }
  const envelope = validateKinds(value, from, kinds, l);
  return typeof frame === 'string' ? checkFiniteData(envelope) : envelope;
}
