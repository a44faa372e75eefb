/**
 * Session open (docs/protocol.md §2): the `hello` the client sends on every new socket, and
 * what it adopts from the server's `welcome`.
 * @internal
 */
import type { HelloEnvelope, HelloSubscription, WelcomeEnvelope } from '@ackwire/protocol';
import { clientError } from './errors.js';
import type { Heartbeat } from './heartbeat.js';
import type { ResolvedOptions } from './options.js';
import type { Outbox } from './outbox.js';
import type { SubscriptionRegistry } from './subscriptions.js';
import type { SessionInfo } from './types.js';

/**
 * Builds `hello`: the client id, the token, `floor` (the lowest unsettled id) and every topic
 * of the registry with its position. Queued `sub`/`unsub` messages are superseded by
 * `hello.subs` and settled first, so the server never hears a topic twice. @internal
 */
export function buildHello(
  cid: string,
  token: string | undefined,
  outbox: Outbox,
  registry: SubscriptionRegistry,
): { hello: HelloEnvelope; subs: HelloSubscription[] } {
  outbox.discardQueued(
    (e) => e.kind === 'sub' || e.kind === 'unsub',
    () => clientError('CLOSED', 'superseded by hello.subs'),
  );
  const subs = registry.helloSubs();
  const hello: HelloEnvelope = { k: 'hello', cid, floor: outbox.floor };
  if (token !== undefined) hello.token = token;
  if (subs.length > 0) hello.subs = subs;
  return { hello, subs };
}

/**
 * Adopts the server's settings from `welcome`: heartbeat, window, frame limit, and deadlines
 * clamped to `ttl` (dedup state lives `ttl` after a disconnect; no retry may outlive it, §3).
 * @internal
 */
export function adoptWelcome(
  env: WelcomeEnvelope,
  opts: ResolvedOptions,
  heartbeat: Heartbeat,
  outbox: Outbox,
): SessionInfo {
  heartbeat.configure(env.hb.interval, env.hb.timeout);
  outbox.window = Math.min(opts.maxInFlight, env.limits.maxInFlight);
  outbox.maxBytes = Math.min(opts.maxMessageBytes, env.limits.maxBytes);
  if (env.ttl > 0) outbox.clampDeadlines(env.ttl);
  return {
    sid: env.sid,
    resumed: env.resumed,
    heartbeat: { ...env.hb },
    limits: { ...env.limits },
    ttl: env.ttl,
  };
}
