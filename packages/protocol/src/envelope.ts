/**
 * Envelope types: every message of protocol v1, as a discriminated union on `k` (the kind).
 * Mirrors docs/protocol.md §4 (client to server) and §5 (server to client) field for field.
 */

/** JSON value as carried in text frames. */
export type JsonValue =
  null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/**
 * Application payload of a message. A `Uint8Array` travels in a binary frame (§7) untouched;
 * anything else travels in a text frame as JSON (§6). Absent data is `undefined`.
 */
export type Payload = JsonValue | Uint8Array;

/** A topic stream position: the topic's epoch and the offset of the last event seen (§8). */
export interface StreamPosition {
  /** Opaque epoch string; changes whenever the topic's history is reset (e.g. restart). */
  epoch: string;
  /** Offset of the last event the client received in that epoch; 0 before any. */
  offset: number;
}

/** A topic the client wants (re)subscribed in `hello`, with its last position when it has one. */
export interface HelloSubscription {
  topic: string;
  epoch?: string;
  offset?: number;
}

/** Error carried by a failed receipt, a subscription result or an `error` notice. */
export interface WireError {
  /** Stable code (docs/errors.md). */
  code: string;
  /** Human-readable text; never parsed. */
  message: string;
}

/** Result of one (re)subscription, in `welcome.subs` or in the receipt of `sub` (§8.2). */
export type SubscribeResult =
  | { topic: string; ok: true; epoch: string; offset: number; recovered: boolean }
  | { topic: string; ok: false; error: WireError };

// ---------------------------------------------------------------- client to server (§4)

/** §4.1 Session open: the first message on every connection. */
export interface HelloEnvelope {
  k: 'hello';
  /** Client instance id, stable across reconnects of one client object. */
  cid: string;
  /** Auth token, when the app supplies one. */
  token?: string;
  /** Every message id below `floor` is settled: the server may forget its receipt. */
  floor?: number;
  /** Topics to resubscribe with their last positions. */
  subs?: HelloSubscription[];
}

/** §4.2 Reliable command (also used for request/response): always answered by an `ack`. */
export interface MsgEnvelope {
  k: 'msg';
  id: number;
  type: string;
  data?: Payload;
}

/** §4.3 Volatile message: no id, no receipt, may be dropped. */
export interface VolatileEnvelope {
  k: 'vol';
  type: string;
  data?: Payload;
}

/** §4.4 Subscribe to a topic, optionally resuming from a position. */
export interface SubEnvelope {
  k: 'sub';
  id: number;
  topic: string;
  epoch?: string;
  offset?: number;
}

/** §4.5 Unsubscribe from a topic. */
export interface UnsubEnvelope {
  k: 'unsub';
  id: number;
  topic: string;
}

/** §4.6 Publish to a topic (multicast to its subscribers). */
export interface PubEnvelope {
  k: 'pub';
  id: number;
  topic: string;
  data?: Payload;
}

/** §4.7 Broadcast to every connected client. */
export interface BroadcastEnvelope {
  k: 'bcast';
  id: number;
  type: string;
  data?: Payload;
}

/** §4.8 Unicast to one client by its client id. */
export interface DirectEnvelope {
  k: 'to';
  id: number;
  /** Target client id. */
  cid: string;
  type: string;
  data?: Payload;
}

// ---------------------------------------------------------------- both directions (§4.9)

/** Application heartbeat; the receiver answers with `pong` carrying the same `ts`. */
export interface PingEnvelope {
  k: 'ping';
  /** Sender's clock in milliseconds, echoed back for round-trip time. */
  ts: number;
}

/** Answer to `ping`. */
export interface PongEnvelope {
  k: 'pong';
  ts: number;
}

// ---------------------------------------------------------------- server to client (§5)

/** Heartbeat settings the server announces in `welcome`. */
export interface HeartbeatSettings {
  /** Milliseconds of silence after which a peer sends a ping. */
  interval: number;
  /** Milliseconds after `interval` without any byte before the link is declared dead. */
  timeout: number;
}

/** Limits the server enforces, announced in `welcome`. */
export interface SessionLimits {
  /** Largest frame the server accepts, in bytes. */
  maxBytes: number;
  /** Largest id distance between the lowest unsettled and the newest sent id (§9). */
  maxInFlight: number;
}

/** §5.1 Session accepted. */
export interface WelcomeEnvelope {
  k: 'welcome';
  /** Session id (server-chosen, for logs and support). */
  sid: string;
  /** True when the server still held this client id's dedup state. */
  resumed: boolean;
  hb: HeartbeatSettings;
  limits: SessionLimits;
  /** How long the server keeps a disconnected client's dedup state, in ms (§9). */
  ttl: number;
  /** Results for `hello.subs`, in the same order. */
  subs?: SubscribeResult[];
}

/** §5.2 Receipt for every id-carrying client message. */
export type AckEnvelope =
  | { k: 'ack'; id: number; ok: true; data?: Payload }
  | { k: 'ack'; id: number; ok: false; err: WireError };

/** §5.3 Direct or broadcast delivery. */
export interface PushEnvelope {
  k: 'push';
  type: string;
  data?: Payload;
  /** Sender's client id when another client sent it; absent for server pushes. */
  from?: string;
}

/** §5.4 Topic event. */
export interface EventEnvelope {
  k: 'event';
  topic: string;
  epoch: string;
  offset: number;
  /** Publication time, milliseconds since the Unix epoch, server clock. */
  ts: number;
  data?: Payload;
}

/** §5.5 Go away: the server is closing; reconnect after `after` ms (plus jitter). */
export interface GoAwayEnvelope {
  k: 'goaway';
  after: number;
  reason?: string;
}

/** §5.6 Error notice not tied to a message id (e.g. an invalid frame was ignored). */
export interface ErrorEnvelope {
  k: 'error';
  err: WireError;
}

/** Every message a client may send. */
export type ClientEnvelope =
  | HelloEnvelope
  | MsgEnvelope
  | VolatileEnvelope
  | SubEnvelope
  | UnsubEnvelope
  | PubEnvelope
  | BroadcastEnvelope
  | DirectEnvelope
  | PingEnvelope
  | PongEnvelope;

/** Every message a server may send. */
export type ServerEnvelope =
  | WelcomeEnvelope
  | AckEnvelope
  | PushEnvelope
  | EventEnvelope
  | GoAwayEnvelope
  | ErrorEnvelope
  | PingEnvelope
  | PongEnvelope;

/** Any envelope of protocol v1. */
export type Envelope = ClientEnvelope | ServerEnvelope;

/** The kind tag of any envelope. */
export type EnvelopeKind = Envelope['k'];

/** Kinds a client may send (a server rejects others with PROTOCOL_UNKNOWN_KIND). */
export const CLIENT_KINDS = /* @__PURE__ */ Object.freeze([
  'hello',
  'msg',
  'vol',
  'sub',
  'unsub',
  'pub',
  'bcast',
  'to',
  'ping',
  'pong',
] as const satisfies readonly ClientEnvelope['k'][]);

/** Kinds a server may send (a client reports others with PROTOCOL_UNKNOWN_KIND). */
export const SERVER_KINDS = /* @__PURE__ */ Object.freeze([
  'welcome',
  'ack',
  'push',
  'event',
  'goaway',
  'error',
  'ping',
  'pong',
] as const satisfies readonly ServerEnvelope['k'][]);
