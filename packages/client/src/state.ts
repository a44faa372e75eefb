/**
 * The client's connection state: one string union, one transition table, one `setState`
 * (`Session.#setState`, session.ts).
 *
 * - `idle`: constructed with `autoConnect: false`, `connect()` not yet called.
 * - `connecting`: working towards the first session (socket attempts and the waits between them).
 * - `open`: a session is established (the server's `welcome` arrived); messages flow.
 * - `reconnecting`: an established session was lost; attempts and waits until the next `welcome`.
 * - `closed`: terminal; `close()` was called or the server closed with a fatal code.
 */

/** Every state of the client. */
export type ClientState = 'idle' | 'connecting' | 'open' | 'reconnecting' | 'closed';

/** Why a state changed; stable strings, safe to switch on. */
export type StateReason =
  | 'connect'
  | 'welcome'
  | 'socket-closed'
  | 'heartbeat-timeout'
  | 'connect-timeout'
  | 'goaway'
  | 'close'
  | 'auth-rejected'
  | 'version-unsupported'
  | 'fatal-close';

/** Payload of the `state` event. */
export interface StateChange {
  from: ClientState;
  to: ClientState;
  reason: StateReason;
  /** The close code behind the change, when a socket close caused it. */
  code?: number;
}

/** Allowed transitions. Anything else is a bug and throws. */
export const TRANSITIONS: Readonly<Record<ClientState, readonly ClientState[]>> = Object.freeze({
  idle: ['connecting', 'closed'],
  connecting: ['open', 'closed'],
  open: ['reconnecting', 'closed'],
  reconnecting: ['open', 'closed'],
  closed: [],
});

/** True when `from -> to` is in {@link TRANSITIONS}. */
export function canTransition(from: ClientState, to: ClientState): boolean {
  return TRANSITIONS[from].includes(to);
}

/**
 * The change from `from` to `next` for the `state` event, or undefined when `next` is the
 * current state (a no-op). A transition outside {@link TRANSITIONS} throws: it means a logic
 * error. @internal
 */
export function stateChange(
  from: ClientState,
  next: ClientState,
  reason: StateReason,
  code?: number,
): StateChange | undefined {
  if (from === next) return undefined;
  if (!canTransition(from, next)) {
    throw new Error(`ackwire client: illegal state transition ${from} -> ${next} (${reason})`);
  }
  const change: StateChange = { from, to: next, reason };
  if (code !== undefined) change.code = code;
  return change;
}
