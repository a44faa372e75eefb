/**
 * The one size error of both codecs (docs/protocol.md §3.1). @internal
 */
import { ProtocolError } from './errors.js';

/** PROTOCOL_TOO_LARGE for a frame of `bytes` over `max`. @internal */
export function tooLarge(max: number, bytes: number): ProtocolError {
  return new ProtocolError('PROTOCOL_TOO_LARGE', `frame: ${bytes} bytes exceeds maxBytes ${max}`);
}
