/**
 * The rate limit's cooldown (docs/protocol.md §12). A connection that keeps sending after its
 * `RATE_LIMITED` receipts is closed with 1008; without a cooldown its client came back a second
 * later with a full bucket and a further burst of refusals to run up, so a flooder cost the
 * server its burst again and again (issue 8: ten flooders of the slow-consumer chaos run put
 * through 2,700 messages a second that way). Now the close is preceded by a `goaway` telling the
 * client how long to stay away, and its client id is refused at `hello` until then, with the time
 * left and the same close, before a session is attached: the refusal costs a handshake, not a
 * burst. The time is kept on the session, which outlives the connection for `sessionTtlMs`.
 * @internal
 */
import { CloseCode } from '@ackwire/protocol';
import type { Connection } from './connection.js';
import type { ResolvedServerOptions } from './options.js';
import type { Session } from './session.js';
import type { Counters } from './stats.js';

/** What the cooldown needs from the server's hub. @internal */
export interface CooldownHost {
  readonly options: ResolvedServerOptions;
  readonly counters: Counters;
  now(): number;
}

/** Closes `conn` with 1008 for its rate, telling its client to stay away for the cooldown. */
export function closeForRate(host: CooldownHost, conn: Connection): void {
  const ms = host.options.rateLimitCooldownMs;
  const session = conn.session;
  if (ms > 0 && session) {
    session.cooldownUntil = host.now() + ms;
    conn.send({ k: 'goaway', after: ms, reason: 'rate limit exceeded' });
  }
  conn.close(CloseCode.POLICY_VIOLATION, 'rate limit exceeded');
}

/**
 * Refuses the `hello` on `conn` when its client id (`session`, if the server holds one) is still
 * cooling down: `goaway` with the milliseconds left, then 1008. True when it refused.
 */
export function refuseWhileCooling(
  host: CooldownHost,
  conn: Connection,
  session: Session | undefined,
): boolean {
  if (session?.cooldownUntil === undefined) return false;
  const left = Math.ceil(session.cooldownUntil - host.now());
  if (left <= 0) {
    session.cooldownUntil = undefined;
    return false;
  }
  host.counters.cooldownRefused++;
  conn.send({ k: 'goaway', after: left, reason: 'rate limit cooldown' });
  conn.close(CloseCode.POLICY_VIOLATION, 'rate limit cooldown');
  return true;
}
