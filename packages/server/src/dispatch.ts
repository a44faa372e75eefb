/**
 * What the server does with each client envelope (docs/protocol.md §1.4, §9, §8): session open,
 * the dedup gate in front of every id-carrying kind, handlers, and the topic commands.
 */
import { randomBytes } from 'node:crypto';
import {
  CloseCode,
  type AckEnvelope,
  type BroadcastEnvelope,
  type ClientEnvelope,
  type DirectEnvelope,
  type HelloEnvelope,
  type MsgEnvelope,
  type Payload,
  type PubEnvelope,
  type SubEnvelope,
  type SubscribeResult,
  type UnsubEnvelope,
  type WelcomeEnvelope,
} from '@ackwire/protocol';
import type { Connection } from './connection.js';
import { closeForRate, refuseWhileCooling } from './cooldown.js';
import { toWireError } from './errors.js';
import { callHandler, callVolatileHandler, errorAck, okAck } from './handler-call.js';
import type { AuthorizeTopic, ResolvedServerOptions } from './options.js';
import type { Session } from './session.js';
import type { Counters } from './stats.js';
import type { TopicStore } from './topic-store.js';
import type { ResumeResult, Topic } from './topics.js';
import type { Handler, PublishResult, ServerEvents } from './types.js';

/**
 * What dispatching needs from the server's hub (`Hub` implements it): its settings, counters,
 * handlers and topics, session binding, events, and the delivery paths. @internal
 */
export interface DispatchHost {
  readonly options: ResolvedServerOptions;
  readonly counters: Counters;
  readonly handlers: ReadonlyMap<string, Handler>;
  readonly topics: TopicStore;
  now(): number;
  emit<K extends keyof ServerEvents>(event: K, ...args: ServerEvents[K]): void;
  reportError(error: unknown): void;
  /** The session held for `cid`, if any (without creating one). */
  sessionOf(cid: string): Session | undefined;
  attach(conn: Connection, cid: string, principal: unknown): { session: Session; resumed: boolean };
  publish(topic: string, data: Payload | undefined, volatile: boolean): PublishResult;
  broadcast(type: string, data: Payload | undefined, volatile: boolean, except?: string): number;
  sendTo(
    cid: string,
    type: string,
    data: Payload | undefined,
    volatile: boolean,
    from?: string,
  ): boolean;
}

type ReliableEnvelope =
  MsgEnvelope | SubEnvelope | UnsubEnvelope | PubEnvelope | BroadcastEnvelope | DirectEnvelope;

async function isAllowed(
  hub: DispatchHost,
  hook: AuthorizeTopic | undefined,
  principal: unknown,
  topic: string,
): Promise<boolean> {
  if (!hook) return true;
  try {
    return (await hook(principal, topic)) === true;
  } catch (error) {
    // A crashing hook refuses: failing open would leak topics.
    hub.reportError(error);
    return false;
  }
}

/** Handles `hello`: authenticate, attach the session, answer `welcome`, replay recovered topics. */
export async function openSession(
  hub: DispatchHost,
  conn: Connection,
  hello: HelloEnvelope,
): Promise<void> {
  const o = hub.options;
  conn.identify(hello.cid);
  conn.setState('authenticating');
  let principal: unknown = undefined;
  if (o.authenticate) {
    try {
      principal = await o.authenticate(hello.token, conn.request);
      if (principal === false) throw new Error('authenticate returned false');
    } catch (error) {
      const forbidden = (error as { code?: unknown } | null)?.code === 'FORBIDDEN';
      conn.close(
        forbidden ? CloseCode.FORBIDDEN : CloseCode.UNAUTHORIZED,
        forbidden ? 'forbidden' : 'unauthorized',
      );
      return;
    }
  }
  if (conn.state !== 'authenticating') return;
  if (refuseWhileCooling(hub, conn, hub.sessionOf(hello.cid))) return;
  const subs = hello.subs ?? [];
  const allowed = await Promise.all(
    subs.map((s) => isAllowed(hub, o.authorizeSubscribe, principal, s.topic)),
  );
  if (conn.state !== 'authenticating') return;

  const { session, resumed } = hub.attach(conn, hello.cid, principal);
  if (hello.floor !== undefined) session.window.applyFloor(hello.floor);
  const sid = randomBytes(12).toString('base64url');
  conn.sid = sid;
  session.sid = sid;
  conn.setState('open');

  const results: SubscribeResult[] = [];
  const replays: Replay[] = [];
  subs.forEach((s, i) => {
    if (!allowed[i]) {
      results.push(forbidden(s.topic));
      return;
    }
    const r = subscribe(hub, conn, session, s.topic, s.epoch, s.offset);
    results.push(r.result);
    if (r.replay) replays.push(r.replay);
  });
  const welcome: WelcomeEnvelope = {
    k: 'welcome',
    sid,
    resumed,
    hb: { interval: o.heartbeatIntervalMs, timeout: o.heartbeatTimeoutMs },
    limits: { maxBytes: o.maxPayload, maxInFlight: o.maxInFlight },
    ttl: o.sessionTtlMs,
  };
  if (hello.subs) welcome.subs = results;
  conn.send(welcome);
  for (const r of replays) conn.replay(r.topic, r.resume);
  hub.emit('session', { cid: hello.cid, sid, resumed, principal });
}

function forbidden(topic: string): SubscribeResult {
  return { topic, ok: false, error: { code: 'FORBIDDEN', message: `not allowed: ${topic}` } };
}

/** A subscription's missed events, sent after its result. */
interface Replay {
  readonly topic: Topic;
  readonly resume: ResumeResult;
}

/** Subscribes a connection (idempotent) and resumes it from its position. */
function subscribe(
  hub: DispatchHost,
  conn: Connection,
  session: Session,
  topic: string,
  epoch: string | undefined,
  offset: number | undefined,
): { result: SubscribeResult; replay?: Replay } {
  if (
    !session.topics.has(topic) &&
    session.topics.size >= hub.options.maxSubscriptionsPerConnection
  ) {
    const error = { code: 'TOO_MANY_SUBSCRIPTIONS', message: 'subscription limit reached' };
    return { result: { topic, ok: false, error } };
  }
  const { topic: t, resume } = hub.topics.subscribe(topic, conn, epoch, offset, hub.now());
  session.topics.add(topic);
  return {
    result: {
      topic,
      ok: true,
      epoch: t.epoch,
      // Recovered: the client keeps its own position and the replay fills it up to here.
      // Not recovered: the events that follow the result start after `from` (docs/protocol.md §8.3).
      offset: resume.recovered ? t.offset : resume.from,
      recovered: resume.recovered,
    },
    replay: { topic: t, resume },
  };
}

/** Handles an envelope received on an open session. */
export function dispatch(hub: DispatchHost, conn: Connection, envelope: ClientEnvelope): void {
  switch (envelope.k) {
    case 'ping':
      conn.send({ k: 'pong', ts: envelope.ts });
      return;
    case 'pong':
      return;
    case 'hello':
      conn.close(CloseCode.BAD_ENVELOPE, 'hello after session open');
      return;
    case 'vol': {
      const verdict = conn.takeToken();
      if (verdict === 'close') closeForRate(hub, conn);
      else if (verdict === 'refuse') hub.counters.rateLimited++;
      else callVolatileHandler(hub, conn, envelope);
      return;
    }
    default:
      reliable(hub, conn, envelope);
  }
}

function reliable(hub: DispatchHost, conn: Connection, envelope: ReliableEnvelope): void {
  const { id } = envelope;
  const verdict = conn.takeToken();
  if (verdict === 'close') {
    closeForRate(hub, conn);
    return;
  }
  if (verdict === 'refuse') {
    // Not recorded in the dedup window: the message was not processed, so a later retry must be.
    hub.counters.rateLimited++;
    conn.send(errorAck(id, 'RATE_LIMITED', 'rate limit exceeded; slow down'));
    return;
  }
  const session = conn.session!;
  // Subscribing and unsubscribing are idempotent and bound to the connection they arrive on,
  // so a retry runs again rather than replaying a receipt for a connection that is gone.
  if (envelope.k === 'sub') {
    void subscribeCommand(hub, conn, session, envelope);
    return;
  }
  if (envelope.k === 'unsub') {
    hub.topics.unsubscribe(envelope.topic, conn);
    session.topics.delete(envelope.topic);
    conn.send({ k: 'ack', id, ok: true });
    return;
  }
  const known = session.window.check(id);
  if (known.kind === 'done') {
    hub.counters.dedupHits++;
    conn.send(known.receipt);
    return;
  }
  if (known.kind === 'pending') {
    // The original is still running; its receipt goes to whichever connection is current.
    hub.counters.dedupHits++;
    return;
  }
  if (known.kind === 'out-of-window') {
    conn.send(errorAck(id, 'ID_OUT_OF_WINDOW', `id ${id} is older than the receipt window`));
    return;
  }
  session.window.begin(id);
  const receipt =
    envelope.k === 'msg'
      ? callHandler(hub, conn, envelope, hub.options.maxPayload)
      : execute(hub, conn, session, envelope);
  // A handler that returned synchronously is answered at once, inside the read that brought
  // its message, so the receipts of one read leave in one write (issue 7).
  if (receipt instanceof Promise) void receipt.then((r) => settle(session, id, r, true));
  else settle(session, id, receipt, false);
}

/** Stores a receipt for resend and sends it to whichever connection is current. */
function settle(session: Session, id: number, receipt: AckEnvelope, late: boolean): void {
  session.window.settle(id, receipt);
  const current = session.connection;
  // Handlers that returned promises for the messages of one read mostly settle in one run of
  // the microtask queue: their receipts then leave in one write too.
  if (late) current?.coalesceWrites?.();
  current?.sendReceipt(receipt);
}

async function subscribeCommand(
  hub: DispatchHost,
  conn: Connection,
  session: Session,
  envelope: SubEnvelope,
): Promise<void> {
  const { id, topic } = envelope;
  const ok = await isAllowed(hub, hub.options.authorizeSubscribe, conn.principal, topic);
  if (conn.state !== 'open') return;
  if (!ok) {
    conn.send(errorAck(id, 'FORBIDDEN', `not allowed to subscribe to ${topic}`));
    return;
  }
  // From the receipt to queueing the replay everything is synchronous, so no live event can slip
  // in between; live events of the topic then queue behind the replay (docs/protocol.md §8.3).
  const r = subscribe(hub, conn, session, topic, envelope.epoch, envelope.offset);
  if (!r.result.ok) {
    conn.send(errorAck(id, r.result.error.code, r.result.error.message));
    return;
  }
  conn.send({ k: 'ack', id, ok: true, data: r.result });
  if (r.replay) conn.replay(r.replay.topic, r.replay.resume);
}

/** Runs one id-carrying server command (not `msg`: see callHandler) to its receipt. Never rejects. */
async function execute(
  hub: DispatchHost,
  conn: Connection,
  session: Session,
  envelope: PubEnvelope | BroadcastEnvelope | DirectEnvelope,
): Promise<AckEnvelope> {
  const { id } = envelope;
  const max = hub.options.maxPayload;
  try {
    switch (envelope.k) {
      case 'pub': {
        const ok = await isAllowed(
          hub,
          hub.options.authorizePublish,
          conn.principal,
          envelope.topic,
        );
        if (!ok) return errorAck(id, 'FORBIDDEN', `not allowed to publish to ${envelope.topic}`);
        return okAck(id, hub.publish(envelope.topic, envelope.data, false), max);
      }
      case 'bcast':
        return okAck(
          id,
          { count: hub.broadcast(envelope.type, envelope.data, false, conn.cid) },
          max,
        );
      case 'to':
        if (!hub.sendTo(envelope.cid, envelope.type, envelope.data, false, session.cid)) {
          return errorAck(id, 'UNKNOWN_CLIENT', `client ${envelope.cid} is not connected`);
        }
        return okAck(id, undefined, max);
    }
  } catch (error) {
    const err = toWireError(error);
    return errorAck(id, err.code, err.message);
  }
}
