/**
 * The client's connection state: one string union, one transition table, one `setState`.
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

/** Holds the current state; the only place it changes. @internal */
export class StateMachine {
  #current: ClientState;

  readonly #onChange: (change: StateChange) => void;

  constructor(initial: ClientState, onChange: (change: StateChange) => void) {
    this.#onChange = onChange;
    this.#current = initial;
  }

  get state(): ClientState {
    return this.#current;
  }

  /**
   * Moves to `next` and emits the change. Setting the current state again is a no-op (it
   * returns false); a transition outside the table throws, because it means a logic error.
   */
  setState(next: ClientState, reason: StateReason, code?: number): boolean {
    const from = this.#current;
    if (from === next) return false;
    if (!canTransition(from, next)) {
      throw new Error(`ackwire client: illegal state transition ${from} -> ${next} (${reason})`);
    }
    this.#current = next;
    const change: StateChange = { from, to: next, reason };
    if (code !== undefined) change.code = code;
    this.#onChange(change);
    return true;
  }
}
