/**
 * The fuzzer's dictionary: the field names, kinds, edge values and byte patterns that mutations
 * splice into frames, chosen for where the validator and the readers draw their lines.
 */
import { CLIENT_KINDS, SERVER_KINDS } from '@ackwire/protocol';

/** Every envelope field name of protocol v1, for key swaps and random objects. */
// prettier-ignore
export const KEYS = [
  'k', 'id', 'type', 'data', 'topic', 'epoch', 'offset', 'cid', 'token', 'floor', 'subs',
  'ts', 'ok', 'err', 'code', 'message', 'sid', 'resumed', 'hb', 'limits', 'ttl', 'after',
  'reason', 'from', 'interval', 'timeout', 'maxBytes', 'maxInFlight', 'recovered', 'error',
] as const;

/** Every kind, plus near misses. */
export const KINDS: readonly string[] = [
  ...CLIENT_KINDS,
  ...SERVER_KINDS,
  'nope',
  '',
  'K',
  'msg ',
  'Msg',
  '__proto__',
  'constructor',
];

/** JSON values at the edges of what the validator checks. */
// prettier-ignore
export const EDGE_JSON = [
  'null', 'true', 'false', '0', '-0', '-1', '1.5', '1e308', '-1e308', '1e999', '-1e999', '1e-400',
  '9007199254740991', '9007199254740992', '9007199254740993', '18446744073709551616',
  '123456789012345678901234567890123456789', '0.1e1', '[]', '{}', '""', '"\\u0000"', '"\\ud800"',
  '"\\udc00x"', '"__proto__"', '"constructor"', `"${'x'.repeat(2000)}"`, '[[[[[[]]]]]]',
  '{"__proto__":{"polluted":1}}', '{"constructor":{"prototype":{"polluted":1}}}',
] as const;

/** Raw text the insertion operator splices in: JSON syntax, escapes, odd code points. */
// prettier-ignore
export const TOKENS = [
  '{', '}', '[', ']', '"', ',', ':', '\\', '\\u', '\\"', 'null', 'true', '-', 'e', '.', ' ', '\t',
  '\u0000', '\ud800', '\udfff', '\u2028', '\ufeff', 'é', '😀', '"__proto__":{"polluted":1},',
  '"k":"msg",', '"id":-1,', '1e999', 'NaN', 'Infinity', '0x10', '//', '/*',
] as const;

/** Bytes with meaning to the binary layout: varint continuations, bad UTF-8 sequences, a BOM. */
// prettier-ignore
export const BINARY_INSERTS: readonly (readonly number[])[] = [
  [0x00], [0x7f], [0x80], [0xff], [0x80, 0x00],
  [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f],
  [0xc3, 0x28], [0xed, 0xa0, 0x80], [0xf8, 0x88, 0x80, 0x80, 0x80], [0xc0, 0x80], [0xef, 0xbb, 0xbf],
];

/** Nesting depths: both sides of the default limit (32), and far past the parser's stack. */
export const DEPTHS = [30, 31, 32, 33, 64, 1000, 20_000] as const;
