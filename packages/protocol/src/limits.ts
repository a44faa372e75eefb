/**
 * Limits every decode enforces (docs/protocol.md §3). Codecs take a partial override;
 * `DEFAULT_LIMITS` applies where a field is absent.
 */

/** Size and shape limits for decoding and validation. */
export interface ProtocolLimits {
  /**
   * Largest frame accepted, in bytes (UTF-8 bytes for text frames).
   * @default 65536
   */
  maxBytes: number;
  /**
   * Deepest JSON nesting accepted in a text frame, counting the envelope object as 1.
   * @default 32
   */
  maxDepth: number;
  /**
   * Longest topic name, in UTF-16 code units.
   * @default 128
   */
  maxTopicLength: number;
  /**
   * Longest message `type`, in UTF-16 code units.
   * @default 128
   */
  maxTypeLength: number;
  /**
   * Longest auth token, in UTF-16 code units.
   * @default 8192
   */
  maxTokenLength: number;
  /**
   * Most topics in one `hello.subs`.
   * @default 1024
   */
  maxHelloSubs: number;
}

/** Default limits (docs/protocol.md §3). */
export const DEFAULT_LIMITS: Readonly<ProtocolLimits> = Object.freeze({
  maxBytes: 64 * 1024,
  maxDepth: 32,
  maxTopicLength: 128,
  maxTypeLength: 128,
  maxTokenLength: 8192,
  maxHelloSubs: 1024,
});

/** Largest id or offset: ids are JSON-safe integers (Number.MAX_SAFE_INTEGER). */
export const MAX_UINT = Number.MAX_SAFE_INTEGER;

/** Applies defaults to a partial limits object. */
export function resolveLimits(partial?: Partial<ProtocolLimits>): ProtocolLimits {
  return partial ? { ...DEFAULT_LIMITS, ...partial } : DEFAULT_LIMITS;
}
