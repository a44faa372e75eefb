/**
 * The client's event fan-out: typed, and isolating listeners from each other and from the
 * socket handlers that emit (a throwing listener neither skips the others nor escapes).
 * @internal
 */
import type EventEmitter from 'eventemitter3';
import { defer } from './defer.js';
import { clientError } from './errors.js';
import type { ClientEvents } from './types.js';

/** Typed emit of the client's events. @internal */
export type Emit = <E extends keyof ClientEvents>(
  event: E,
  ...args: Parameters<ClientEvents[E]>
) => void;

/**
 * An emit over `emitter` that calls each listener in its own try: a listener that throws is
 * reported as a `LISTENER_ERROR` error event; an `error` listener that throws has nowhere left
 * to report to, so it surfaces as an uncaught error outside the socket handler.
 * @internal
 */
export function isolatedEmit(emitter: EventEmitter): Emit {
  const emit: Emit = (event, ...args) => {
    for (const listener of emitter.listeners(event)) {
      try {
        (listener as (...a: unknown[]) => void)(...args);
      } catch (error) {
        if (event === 'error') {
          defer(() => {
            throw error;
          });
        } else reportListenerError(emit, error);
      }
    }
  };
  return emit;
}

/** Reports an app listener (event or topic handler) that threw, as a `LISTENER_ERROR`. @internal */
export function reportListenerError(emit: Emit, cause: unknown): void {
  emit('error', clientError('LISTENER_ERROR', `listener threw: ${String(cause)}`, { cause }));
}
