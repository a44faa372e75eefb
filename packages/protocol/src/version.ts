/**
 * Protocol version and the WebSocket subprotocol names that carry it (docs/protocol.md §1).
 */

/** The protocol version this package speaks. */
export const PROTOCOL_VERSION = 1;

/** Subprotocol offered by clients and selected by servers in the HTTP upgrade (RFC 6455 §1.9). */
export const SUBPROTOCOL = 'ackwire.v1';

/**
 * Every subprotocol this implementation can speak, newest first. Marked pure, so bundlers drop
 * it from apps that never select a subprotocol (clients).
 */
export const SUPPORTED_SUBPROTOCOLS: readonly string[] = /* @__PURE__ */ Object.freeze([
  SUBPROTOCOL,
]);

/**
 * HTTP status a server answers when the upgrade offers no subprotocol it speaks
 * (docs/protocol.md §1.2): 426 Upgrade Required, with a text body naming the supported ones.
 */
export const VERSION_REFUSED_STATUS = 426;

/** Picks the subprotocol to select from a client's offer, or `undefined` when none is spoken. */
export function selectSubprotocol(offered: Iterable<string>): string | undefined {
  for (const p of offered) {
    if (SUPPORTED_SUBPROTOCOLS.includes(p)) return p;
  }
  return undefined;
}
