/**
 * Message-map generics: describe your messages once and `send`, `request`, `publish`,
 * `subscribe` and the `message` event are type-checked against them.
 *
 * ```ts
 * type Api = {
 *   'chat.post': { data: { text: string }; result: { id: string } };
 *   'math.add': { data: { a: number; b: number }; result: number };
 * };
 * type Pushes = { 'chat.new': { text: string; author: string } };
 * type Topics = { [topic: `room:${string}`]: { text: string } };
 * const client = new AckwireClient<Api, Pushes, Topics>(url);
 * ```
 */
import type { AckwireError } from '@ackwire/protocol';
import type { StateChange } from './state.js';

/** One message type: the `data` it carries and the `result` its receipt carries. */
export interface MessageSpec {
  data?: unknown;
  result?: unknown;
}

/** Message type name -> {@link MessageSpec}. */
export type MessageMap = Record<string, MessageSpec>;

/** Push type name -> data type (server pushes, broadcasts and direct messages). */
export type PushMap = Record<string, unknown>;

/** Topic name (or template pattern such as `room:${string}`) -> event data type. */
export type TopicMap = Record<string, unknown>;

/** The untyped defaults: any type name, any data. */
export type AnyMessages = Record<string, { data?: unknown; result?: unknown }>;
/** @see AnyMessages */
export type AnyPushes = Record<string, unknown>;
/** @see AnyMessages */
export type AnyTopics = Record<string, unknown>;

/** The data type of a message spec (`undefined` when it declares none). */
export type DataOf<S> = S extends { data?: infer D }
  ? 'data' extends keyof S
    ? D
    : undefined
  : undefined;

/** The result type of a message spec (`undefined` when it declares none). */
export type ResultOf<S> = S extends { result?: infer R }
  ? 'result' extends keyof S
    ? R
    : undefined
  : undefined;

/** Per-call options of `send` and friends. */
export interface SendOptions {
  /** Total deadline for this message, overriding `sendTimeoutMs` (still clamped to the server's ttl). */
  timeoutMs?: number;
}

/** Argument tuple after the type name: `data` is optional only when `undefined` is allowed. */
export type DataArgs<D, O = SendOptions> = undefined extends D
  ? [data?: D, options?: O]
  : [data: D, options?: O];

/** What `send` resolves with once the server acknowledged the message. */
export interface Receipt<R = unknown> {
  /** The message id (kept across retries). */
  id: number;
  /** The receipt's `data`: the handler's result, if any. */
  data: R;
  /** How many times the message was written (1 unless it was re-sent after a reconnect). */
  attempts: number;
}

/** A server push, as the `message` event delivers it. */
export type PushMessage<P extends PushMap = AnyPushes> = {
  [K in keyof P & string]: {
    type: K;
    data: P[K];
    /** The sending client's id for broadcasts and direct messages; absent for server pushes. */
    from?: string;
  };
}[keyof P & string];

/** Where a topic event sits in its stream. */
export interface EventMeta {
  topic: string;
  epoch: string;
  offset: number;
  /** Publication time, ms since the Unix epoch, server clock. */
  publishedAt: number;
}

/** What `open` reports: the session the server granted. */
export interface SessionInfo {
  /** Server-chosen session id, for logs and support. */
  sid: string;
  /** True when the server still held this client's dedup state. */
  resumed: boolean;
  heartbeat: { interval: number; timeout: number };
  limits: { maxBytes: number; maxInFlight: number };
  /** How long the server keeps this client's dedup state after a disconnect, in ms. */
  ttl: number;
}

/** What `retry` reports: a reconnect attempt was scheduled. */
export interface RetryInfo {
  /** Failed attempts since the last session (0 for the first retry). */
  attempt: number;
  /** Delay before the next attempt, in ms. */
  delayMs: number;
  /** The close code that ended the previous attempt, when there was one. */
  code?: number;
}

/** Client statistics (`client.stats()`). */
export interface ClientStats {
  state: StateChange['to'];
  /** Latest round-trip time from a heartbeat, in ms. */
  rtt: number | undefined;
  /** Sessions re-established after the first. */
  reconnects: number;
  /** Messages waiting to be written. */
  queued: number;
  /** Messages written and awaiting their receipt. */
  inFlight: number;
  /** Bytes received / sent on every socket, frames as encoded. */
  bytesIn: number;
  bytesOut: number;
  /** Frames received / sent. */
  framesIn: number;
  framesOut: number;
}

/** The client's events and their listener signatures. */
export interface ClientEvents<P extends PushMap = AnyPushes> {
  /** Every state change, with its reason. */
  state: (change: StateChange) => void;
  /** A session was established (after every `welcome`). */
  open: (info: SessionInfo) => void;
  /** A server push: direct message, broadcast, or server-sent. */
  message: (message: PushMessage<P>) => void;
  /** Something went wrong that no promise reports: bad frames, auth, fatal closes, listener errors. */
  error: (error: AckwireError) => void;
  /** Writing resumed after backpressure, or the outbox has room again after it was full. */
  drain: () => void;
  /** A reconnect attempt was scheduled. */
  retry: (info: RetryInfo) => void;
}
