/**
 * @ackwire/protocol: the wire format of ackwire v1, shared by clients and servers.
 * docs/protocol.md is the normative spec; each module here mirrors one of its sections.
 */
export * from './version.js';
export * from './envelope.js';
export * from './limits.js';
export * from './errors.js';
export * from './close-codes.js';
export {
  validateEnvelope,
  validateTopic,
  validateTypeName,
  validateClientId,
  validateSubscribeResult,
  TOPIC_PATTERN,
  CLIENT_ID_PATTERN,
  EPOCH_PATTERN,
  ERROR_CODE_PATTERN,
  MAX_TEXT_LENGTH,
  type Direction,
} from './validate.js';
export { encodeJson, decodeJson } from './json-codec.js';
export { utf8Length } from './text.js';
export { encodeBinary, decodeBinary, isBinaryPayload, type BinaryKind } from './binary-codec.js';
export { encode, decodeFrame, decodeClientFrame, decodeServerFrame, type Frame } from './codec.js';
