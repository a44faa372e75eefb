/**
 * Encoding of outgoing envelopes, once per message at the call: the frame and its exact size.
 * @internal
 */
import {
  encode,
  ProtocolError,
  utf8Length,
  validateEnvelope,
  type ClientEnvelope,
} from '@ackwire/protocol';
import { clientError } from './errors.js';
import type { ResolvedOptions } from './options.js';

/** An encoded frame and its size in bytes. @internal */
export interface EncodedFrame {
  frame: string | Uint8Array;
  bytes: number;
}

/** Size of a received frame, for the bytes-in statistic. @internal */
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

/**
 * True when every user-supplied name of `env` already passed the validator, so it may be
 * skipped; `remember` adds the names after a pass. Only frequent kinds take this path (`sub`,
 * `unsub`, `hello` and the rest are always validated in full). The client builds the other
 * fields itself: a fresh uint `id`, and `data`, which the validator passes through unchecked
 * (the codec checks it). A non-string is never in a set: only names that passed are added.
 * Checked without allocating: this runs on every send.
 */
function namesKnown(env: ClientEnvelope, known: ValidatedNames, remember: boolean): boolean {
  switch (env.k) {
    case 'msg':
    case 'vol':
    case 'bcast':
      return check(known.types, env.type, remember);
    case 'pub':
      return check(known.topics, env.topic, remember);
    case 'to':
      // When remembering, the first check returns true, so both names are added.
      return check(known.cids, env.cid, remember) && check(known.types, env.type, remember);
    default:
      return false;
  }
}

function check(set: Set<unknown>, name: unknown, remember: boolean): boolean {
  if (remember) {
    if (set.size >= MAX_VALIDATED_NAMES) set.clear();
    set.add(name);
    return true;
  }
  return set.has(name);
}

/**
 * Validates an outgoing envelope with the protocol's one validator (so a bad type name or
 * topic fails here, not on the server, with the validator's message) and encodes it. Names
 * that passed once are remembered in `known`, so steady traffic skips the validator: the
 * envelope's other fields are the client's own and always valid.
 * @throws AckwireClientError `INVALID_ARGUMENT` naming the field.
 */
export function encodeEnvelope(
  env: ClientEnvelope,
  options: ResolvedOptions,
  known?: ValidatedNames,
): EncodedFrame {
  try {
    if (!known || !namesKnown(env, known, false)) {
      validateEnvelope(env, 'client', options.decodeLimits);
      if (known) namesKnown(env, known, true);
    }
    const frame = encode(env);
    return { frame, bytes: typeof frame === 'string' ? utf8Length(frame) : frame.byteLength };
  } catch (cause) {
    const message = cause instanceof ProtocolError ? cause.message : String(cause);
    throw clientError('INVALID_ARGUMENT', message, { cause });
  }
}
