/**
 * The event fan-out of the client and of each subscription: eventemitter3 (a declared runtime
 * dependency) plus the two rules ackwire adds. `_on` returns its undo, and `_emit` isolates
 * listeners: one that throws neither skips the others nor escapes into the socket handler that
 * emitted (it is handed to `thrown`). `_emit` runs over `listeners()`, a copy, so it reaches
 * the listeners present when it began, also when one of them adds or removes another.
 * @internal
 */
import EventEmitter from 'eventemitter3';

/** The argument list of event `E`'s listeners. @internal */
export type ArgsOf<T, E extends keyof T> = T[E] extends (...args: infer A) => void ? A : never;

type AnyListener = (...args: unknown[]) => void;

/**
 * A typed eventemitter3 with isolated listeners; `T` maps event names to listener signatures,
 * e.g. `{ gap: (info: GapInfo) => void }`. `off` and `removeAllListeners` are eventemitter3's.
 * @internal
 */
export class Emitter<T> extends EventEmitter<string> {
  readonly #thrown: (error: unknown, event: keyof T) => void;

  /** @param thrown - receives what a listener of `event` threw */
  constructor(thrown: (error: unknown, event: keyof T) => void) {
    super();
    this.#thrown = thrown;
  }

  /** Adds a listener; returns the undo. */
  _on<E extends keyof T & string>(event: E, listener: T[E]): () => void {
    this.on(event, listener as AnyListener);
    return () => this.off(event, listener as AnyListener);
  }

  /** Calls each listener of `event`, each in its own try. */
  _emit<E extends keyof T & string>(event: E, ...args: ArgsOf<T, E>): void {
    for (const listener of this.listeners(event)) {
      try {
        (listener as AnyListener)(...args);
      } catch (error) {
        this.#thrown(error, event);
      }
    }
  }
}
