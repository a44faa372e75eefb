/**
 * The receive path: every frame counts as liveness, is decoded by the protocol's one
 * validator, and is routed to the part that owns its kind. Bad input is reported as an `error`
 * event and dropped, never thrown out of a socket handler (docs/protocol.md §6).
 * @internal
 */
import {
  decodeServerFrame,
  type EventEnvelope,
  type Frame,
  type ProtocolLimits,
  type ServerEnvelope,
  type WelcomeEnvelope,
} from '@ackwire/protocol';
import { frameSize } from './encoding.js';
import { ServerError, type AckwireClientError } from './errors.js';
import type { Emit } from './emit.js';
import type { ClientEvents } from './types.js';

/** Where each kind goes. @internal */
export interface ReceiveTargets {
  emit: Emit;
  /** Any frame arrived (liveness, statistics). */
  received(bytes: number): void;
  welcome(env: WelcomeEnvelope): void;
  settle(id: number, outcome: { ok: true; data: unknown } | { ok: false; error: Error }): void;
  event(env: EventEnvelope): void;
  goaway(afterMs: number): void;
  ping(ts: number): void;
  pong(ts: number): void;
}

/** Decodes one frame and routes it. Never throws. @internal */
export function receiveFrame(data: unknown, limits: ProtocolLimits, t: ReceiveTargets): void {
  t.received(frameSize(data));
  let env: ServerEnvelope;
  try {
    env = decodeServerFrame(data as Frame, limits);
  } catch (error) {
    t.emit('error', error as AckwireClientError);
    return;
  }
  switch (env.k) {
    case 'welcome':
      return t.welcome(env);
    case 'ack':
      return t.settle(
        env.id,
        env.ok
          ? { ok: true, data: env.data }
          : { ok: false, error: new ServerError(env.err.code, env.err.message, { id: env.id }) },
      );
    case 'push': {
      const message: Parameters<ClientEvents['message']>[0] = { type: env.type, data: env.data };
      if (env.from !== undefined) message.from = env.from;
      return t.emit('message', message);
    }
    case 'event':
      return t.event(env);
    case 'goaway':
      return t.goaway(env.after);
    case 'error':
      return t.emit('error', new ServerError(env.err.code, env.err.message));
    case 'ping':
      return t.ping(env.ts);
    case 'pong':
      return t.pong(env.ts);
  }
}
