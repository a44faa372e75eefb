/**
 * Encoding of outgoing envelopes, once per message at the call: the frame and its exact size.
 * @internal
 */
import { encode, ProtocolError, validateEnvelope, type ClientEnvelope } from '@ackwire/protocol';
import { clientError } from './errors.js';
import type { ResolvedOptions } from './options.js';

/** An encoded frame and its size in bytes. @internal */
export interface EncodedFrame {
  frame: string | Uint8Array;
  bytes: number;
}

/** Exact UTF-8 byte length of a string. @internal */
export function utf8Length(s: string): number {
  let bytes = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        bytes += 4;
        i++;
      } else bytes += 3;
    } else bytes += 3;
  }
  return bytes;
}

/** Size of a received frame, for the bytes-in statistic. @internal */
export function frameSize(data: unknown): number {
  if (typeof data === 'string') return utf8Length(data);
  if (data instanceof ArrayBuffer) return data.byteLength;
  if (ArrayBuffer.isView(data)) return data.byteLength;
  return 0;
}

/**
 * Validates an outgoing envelope with the protocol's one validator (so a bad type name or
 * topic fails here, not on the server) and encodes it.
 * @throws AckwireClientError `INVALID_ARGUMENT` naming the field.
 */
export function encodeEnvelope(env: ClientEnvelope, options: ResolvedOptions): EncodedFrame {
  try {
    validateEnvelope(env, 'client', options.decodeLimits);
    const frame = encode(env);
    return { frame, bytes: typeof frame === 'string' ? utf8Length(frame) : frame.byteLength };
  } catch (cause) {
    const message = cause instanceof ProtocolError ? cause.message : String(cause);
    throw clientError('INVALID_ARGUMENT', message, { cause });
  }
}
