/**
 * The codec interface (docs/protocol.md §2): one `encode` and one `decode`, each choosing the
 * text or binary codec per message. Binary data goes in a binary frame; anything else in text.
 */
import type { ClientEnvelope, Envelope, ServerEnvelope } from './envelope.js';
import { ProtocolError } from './errors.js';
import { DEFAULT_LIMITS, resolveLimits, type ProtocolLimits } from './limits.js';
import { decodeBinary, encodeBinary } from './binary-codec.js';
import { decodeJson, encodeJson } from './json-codec.js';
import type { Direction } from './validate.js';

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

function toBytes(frame: Uint8Array | ArrayBuffer): Uint8Array {
  return frame instanceof Uint8Array ? frame : new Uint8Array(frame);
}

/**
 * True when `limits` sets every limit, so resolving it would only copy it: callers that
 * resolved their limits once (clients, servers) then pay no object spread per frame.
 */
function isComplete(limits: Partial<ProtocolLimits> | undefined): limits is ProtocolLimits {
  if (!limits) return false;
  for (const key of LIMIT_KEYS) if (typeof limits[key] !== 'number') return false;
  return true;
}

const LIMIT_KEYS = /* @__PURE__ */ Object.keys(DEFAULT_LIMITS) as (keyof ProtocolLimits)[];

/** Decodes one frame in the given direction; see {@link decodeClientFrame}. */
export function decodeFrame(
  frame: Frame,
  from: Direction,
  limits?: Partial<ProtocolLimits>,
): Envelope {
  const l = isComplete(limits) ? limits : resolveLimits(limits);
  if (typeof frame === 'string') return decodeJson(frame, from, l);
  if (frame instanceof Uint8Array || frame instanceof ArrayBuffer) {
    return decodeBinary(toBytes(frame), from, l);
  }
  throw new ProtocolError(
    'PROTOCOL_INVALID_ENVELOPE',
    'frame: expected a string, Uint8Array or ArrayBuffer',
  );
}

/**
 * Decodes a frame a client sent (for servers). Every result passed the validator.
 * @throws ProtocolError and nothing else.
 */
export function decodeClientFrame(frame: Frame, limits?: Partial<ProtocolLimits>): ClientEnvelope {
  return decodeFrame(frame, 'client', limits) as ClientEnvelope;
}

/**
 * Decodes a frame a server sent (for clients). Every result passed the validator.
 * @throws ProtocolError and nothing else.
 */
export function decodeServerFrame(frame: Frame, limits?: Partial<ProtocolLimits>): ServerEnvelope {
  return decodeFrame(frame, 'server', limits) as ServerEnvelope;
}
