/**
 * Encoding of outgoing envelopes, once per message at the call: the frame and its exact size.
 * @internal
 */
import {
  encode,
  utf8Length,
  validateClientId,
  validateTopic,
  validateTypeName,
  type ClientEnvelope,
  type ProtocolLimits,
} from '@ackwire/protocol';
import { checkArgument } from './errors.js';
import type { ResolvedOptions } from './options.js';

/** An encoded frame and its size in bytes. @internal */
export interface EncodedFrame {
  frame: string | Uint8Array;
  bytes: number;
}

/** Size of a frame in bytes (UTF-8 bytes for text): for the byte statistics and limits. @internal */
export function frameSize(data: unknown): number {
  if (typeof data === 'string') return utf8Length(data);
  if (data instanceof ArrayBuffer) return data.byteLength;
  if (ArrayBuffer.isView(data)) return data.byteLength;
  return 0;
}

/**
 * Names (type names, topics, client ids) that already passed the validator in an earlier
 * envelope, one set per rule, so repeat sends skip it. Bounded: a set is cleared when full.
 * @internal
 */
export interface ValidatedNames {
  types: Set<unknown>;
  topics: Set<unknown>;
  cids: Set<unknown>;
}

/** Fresh, empty {@link ValidatedNames}. @internal */
export function validatedNames(): ValidatedNames {
  return { types: new Set(), topics: new Set(), cids: new Set() };
}

/** Most names remembered per set before it is cleared. */
const MAX_VALIDATED_NAMES = 1024;

/** Remembers `name` in `set` after it passed its validator; clears a full set first. */
function remember(set: Set<unknown>, name: string): void {
  if (set.size >= MAX_VALIDATED_NAMES) set.clear();
  set.add(name);
}

/**
 * Checks the names of an envelope the client built: the type name, topic and client id an
 * application handed in, each with the protocol's rule for it (the rules `validateEnvelope`
 * applies, with the same field names and messages, e.g. `msg.type`). Every other field is the
 * client's own: a fresh uint `id`, a resume position taken from a validated server frame, and
 * `data`, which the validator passes through unchecked (the codec checks it). So the client
 * ships no table of what clients send. A name that passed once is remembered in `known` and not
 * checked again: steady traffic skips the rules. Checked without allocating on that path.
 */
function checkNames(env: ClientEnvelope, limits: ProtocolLimits, known: ValidatedNames): void {
  const k = env.k;
  if (k === 'to' && !known.cids.has(env.cid)) {
    remember(known.cids, validateClientId(env.cid, 'to.cid'));
  }
  if ('type' in env && !known.types.has(env.type)) {
    remember(known.types, validateTypeName(env.type, limits, `${k}.type`));
  }
  if ('topic' in env && !known.topics.has(env.topic)) {
    remember(known.topics, validateTopic(env.topic, limits, `${k}.topic`));
  }
}

/**
 * Checks the names of an outgoing envelope (so a bad type name or topic fails here, not on the
 * server, with the validator's message) and encodes it.
 * @throws AckwireClientError `INVALID_ARGUMENT` naming the field.
 */
export function encodeEnvelope(
  env: ClientEnvelope,
  options: ResolvedOptions,
  known: ValidatedNames,
): EncodedFrame {
  return checkArgument(() => {
    checkNames(env, options.decodeLimits, known);
    const frame = encode(env);
    return { frame, bytes: frameSize(frame) };
  });
}
