/**
 * The snapshot behind `client.stats()`: counters of the session and gauges of the outbox.
 * @internal
 */
import type { Outbox } from './outbox.js';
import type { Session } from './session.js';
import type { ClientStats } from './types.js';

/** @internal */
export function clientStats(session: Session, outbox: Outbox): ClientStats {
  const c = session.counters;
  return {
    state: session.state,
    rtt: session.heartbeat.rtt,
    reconnects: c.reconnects,
    queued: outbox.queuedCount,
    inFlight: outbox.inFlightCount,
    bytesIn: c.bytesIn,
    bytesOut: c.bytesOut,
    framesIn: c.framesIn,
    framesOut: c.framesOut,
  };
}
