/**
 * A connection's lifecycle (docs/protocol.md §2): the states and the one table of legal moves
 * that `Connection.setState` goes through.
 */

/** Lifecycle of a connection. */
export type ConnectionState = 'handshake' | 'authenticating' | 'open' | 'closing' | 'closed';

const TRANSITIONS: Readonly<Record<ConnectionState, readonly ConnectionState[]>> = {
  handshake: ['authenticating', 'closing', 'closed'],
  authenticating: ['open', 'closing', 'closed'],
  open: ['closing', 'closed'],
  closing: ['closed'],
  closed: [],
};

/** True when a connection in state `from` may move to `to`. @internal */
export function canMove(from: ConnectionState, to: ConnectionState): boolean {
  return TRANSITIONS[from].includes(to);
}
