/**
 * `AckwireClient`: the public API. It wires the parts (subscription registry, session engine
 * with its outbox) and keeps none of their logic; see each file for the rules it implements.
 */
import {
  validateClientId,
  validateSubscribeResult,
  validateTopic,
  type ClientEnvelope,
  type Payload,
  type StreamPosition,
  type SubscribeResult,
} from '@ackwire/protocol';
import { randomClientId } from './client-id.js';
import {
  encodeEnvelope,
  validatedNames,
  type EncodedFrame,
  type ValidatedNames,
} from './encoding.js';
import { AckwireClientError, checkArgument, clientError, refused } from './errors.js';
import { Emitter } from './emitter.js';
import { resolveOptions, type ClientOptions, type ResolvedOptions } from './options.js';
import { tooLarge, type OutboxEntry, type Outbox } from './outbox.js';
import { defer } from './defer.js';
import { Session } from './session.js';
import type { ClientState } from './state.js';
import { SubscriptionRegistry, type Subscription, type TopicHandler } from './subscriptions.js';
import type {
  AnyMessages,
  AnyPushes,
  AnyTopics,
  ClientEvents,
  ClientStats,
  DataArgs,
  DataOf,
  MessageMap,
  PushMap,
  Receipt,
  ResultOf,
  SendOptions,
  SessionInfo,
  TopicMap,
} from './types.js';
import { resolveUrl } from './url.js';

/**
 * One trustworthy WebSocket: acknowledged messages retried by id and never processed twice,
 * topic subscriptions that survive reconnects, heartbeats and backpressure.
 *
 * @typeParam M - message types you `send`/`request` ({@link MessageMap})
 * @typeParam P - push types you receive in `message` and `broadcast`/`sendTo` ({@link PushMap})
 * @typeParam T - topics you `subscribe`/`publish` ({@link TopicMap})
 */
export class AckwireClient<
  M extends MessageMap = AnyMessages,
  P extends PushMap = AnyPushes,
  T extends TopicMap = AnyTopics,
> {
  /** This client instance's id (the server keys deduplication on it). */
  readonly clientId: string;
  /** The resolved WebSocket URL. */
  readonly url: string;
  readonly #opts: ResolvedOptions;
  /**
   * Listeners are isolated: one that throws is reported as a `LISTENER_ERROR` error event; an
   * `error` listener that throws has nowhere left to report to, so it surfaces as an uncaught
   * error outside the socket handler.
   */
  readonly #emitter: Emitter<ClientEvents> = new Emitter<ClientEvents>((error, event) => {
    if (event === 'error') {
      defer(() => {
        throw error;
      });
    } else this.#listenerError(error);
  });
  readonly #outbox: Outbox;
  readonly #registry: SubscriptionRegistry;
  readonly #session: Session;
  /** Names already validated once, so repeat sends skip the validator (see encoding.ts). */
  readonly #validatedNames: ValidatedNames = validatedNames();

  /**
   * @param url - `ws://`, `wss://`, `http(s)://` or a path such as `/rt` (resolved against the page)
   * @throws AckwireClientError `INVALID_URL`, `INSECURE_URL` or `INVALID_ARGUMENT`.
   */
  constructor(url: string, options?: ClientOptions) {
    this.#opts = resolveOptions(options);
    const resolved = resolveUrl(url);
    this.url = resolved.href;
    const cid = this.#opts.clientId;
    this.clientId =
      cid === undefined
        ? randomClientId()
        : checkArgument(() => validateClientId(cid, 'options.clientId'));
    const o = this.#opts;
    this.#registry = new SubscriptionRegistry({
      _isOpen: () => this.#session._sessionOpen,
      _sendSub: (topic, position) => this.#sendSub(topic, position),
      _sendUnsub: (topic) => {
        this.#enqueue({ k: 'unsub', id: 0, topic }, undefined, undefined, topic).catch(
          (e: unknown) => this.#report(e),
        );
      },
      _listenerError: (e) => this.#listenerError(e),
    });
    this.#session = new Session(resolved, this.clientId, o, this.#emitter, this.#registry);
    this.#outbox = this.#session._outbox;
    // Connect on the next microtask, so listeners attached right after construction see
    // every transition from `idle` on.
    if (o.autoConnect) defer(() => this.#session._connect());
  }

  /** The current state: `idle`, `connecting`, `open`, `reconnecting` or `closed`. */
  get state(): ClientState {
    return this.#session._state;
  }

  /** The current session as the server granted it, once one was opened. */
  get sessionInfo(): SessionInfo | undefined {
    return this.#session._info;
  }

  /** Bytes waiting to go out: queued messages plus the socket's send buffer. */
  get bufferedAmount(): number {
    return this.#outbox._queuedBytes() + (this.#session._ws?.bufferedAmount ?? 0);
  }

  /** Starts connecting when created with `autoConnect: false`; otherwise does nothing. */
  connect(): void {
    this.#session._connect();
  }

  /**
   * Closes cleanly: stops reconnecting, rejects every pending promise with `CLOSED`, clears
   * every timer and listener, and resolves once the socket closed (or after 1 s at most).
   */
  close(): Promise<void> {
    return this.#session._shutdown(clientError('CLOSED', 'client closed'), 'close');
  }

  /** Resolves once a session is open (now, if it is); rejects with `CLOSED` on close. */
  ready(): Promise<void> {
    return this.#session._ready();
  }

  /** Resolves once the outbox has room and the socket buffer is below the low-water mark. */
  waitForRoom(): Promise<void> {
    return this.#session._waitForRoom(() => this.#session._closedError());
  }

  /** Listens to an event; returns the undo. */
  on<E extends keyof ClientEvents<P>>(event: E, listener: ClientEvents<P>[E]): () => void {
    return this.#emitter._on(event, listener as ClientEvents[E]);
  }

  /** Listens to one occurrence of an event; returns the undo. */
  once<E extends keyof ClientEvents<P>>(event: E, listener: ClientEvents<P>[E]): () => void {
    const undo = this.#emitter._on(event, (...args: unknown[]) => {
      undo();
      (listener as (...a: unknown[]) => void)(...args);
    });
    return undo;
  }

  /** Removes a listener added with `on`. */
  off<E extends keyof ClientEvents<P>>(event: E, listener: ClientEvents<P>[E]): void {
    this.#emitter.off(event, listener as (...a: unknown[]) => void);
  }

  /**
   * Sends an acknowledged message. The id is assigned now and kept across every retry; the
   * server processes it at most once. Resolves with the receipt; rejects with a
   * {@link ServerError} (the server's code), or `TIMEOUT`, `QUEUE_FULL`, `DROPPED`,
   * `MESSAGE_TOO_LARGE`, `RETRIES_EXHAUSTED`, `CLOSED`, `INVALID_ARGUMENT`.
   */
  send<K extends keyof M & string>(
    type: K,
    ...args: DataArgs<DataOf<M[K]>>
  ): Promise<Receipt<ResultOf<M[K]>>> {
    const [data, options] = args as [unknown, SendOptions | undefined];
    return this.#enqueue({ k: 'msg', id: 0, type }, data, options?.timeoutMs) as Promise<
      Receipt<ResultOf<M[K]>>
    >;
  }

  /**
   * Request/response over the same outbox (retried safely: the server deduplicates). Resolves
   * with the handler's result; rejects like {@link send}.
   */
  request<K extends keyof M & string>(
    type: K,
    ...args: DataArgs<DataOf<M[K]>>
  ): Promise<ResultOf<M[K]>> {
    return this.send(type, ...args).then((r) => r.data);
  }

  /**
   * Fire-and-forget: written at once if a session is open and the socket is not backed up,
   * otherwise dropped. Returns whether it was written.
   * @throws AckwireClientError `INVALID_ARGUMENT`, `MESSAGE_TOO_LARGE` or `CLOSED`.
   */
  sendVolatile<K extends keyof M & string>(
    type: K,
    ...args: DataArgs<DataOf<M[K]>, never>
  ): boolean {
    if (this.#session._closeError) throw this.#session._closedError();
    const data = args[0];
    const env: ClientEnvelope =
      data === undefined ? { k: 'vol', type } : { k: 'vol', type, data: data as Payload };
    const { frame, bytes } = encodeEnvelope(env, this.#opts, this.#validatedNames);
    if (bytes > this.#outbox._maxBytes) throw tooLarge(bytes, this.#outbox._maxBytes);
    return this.#session._writeFrame(frame, bytes);
  }

  /** Publishes to a topic's subscribers (acknowledged); resolves with the event's position. */
  publish<K extends keyof T & string>(
    topic: K,
    data: T[K],
    options?: SendOptions,
  ): Promise<StreamPosition> {
    return this.#enqueue({ k: 'pub', id: 0, topic }, data, options?.timeoutMs).then(
      (r) => r.data as StreamPosition,
    );
  }

  /** Sends a push to every other connected client; resolves with how many it reached. */
  broadcast<K extends keyof P & string>(
    type: K,
    data: P[K],
    options?: SendOptions,
  ): Promise<{ count: number }> {
    return this.#enqueue({ k: 'bcast', id: 0, type }, data, options?.timeoutMs).then(
      (r) => r.data as { count: number },
    );
  }

  /** Sends a push to one client by its id; rejects with `UNKNOWN_CLIENT` when it is not connected. */
  sendTo<K extends keyof P & string>(
    clientId: string,
    type: K,
    data: P[K],
    options?: SendOptions,
  ): Promise<void> {
    return this.#enqueue({ k: 'to', id: 0, cid: clientId, type }, data, options?.timeoutMs).then(
      () => undefined,
    );
  }

  /**
   * Subscribes `handler` to a topic. Survives reconnects; each event reaches the handler once,
   * in offset order; gaps are announced on the returned handle (`gap`, and `subscribed` with
   * `recovered: false`).
   * @throws AckwireClientError `INVALID_ARGUMENT` (bad topic) or `CLOSED`.
   */
  subscribe<K extends keyof T & string>(topic: K, handler: TopicHandler<T[K]>): Subscription<T[K]> {
    if (this.#session._closeError) throw this.#session._closedError();
    checkArgument(() => validateTopic(topic, this.#opts.decodeLimits));
    return this.#registry._add(topic, handler);
  }

  /** Counters and gauges for dashboards and tests. */
  stats(): ClientStats {
    const s = this.#session;
    // The counters are copied as they are: reconnects, bytesIn/Out, framesIn/Out.
    return {
      state: s._state,
      rtt: s._rtt,
      ...s._counters,
      queued: this.#outbox._queuedCount,
      inFlight: this.#outbox._inFlightCount,
    };
  }

  // ------------------------------------------------------------------ internals

  /**
   * Admits one id-carrying message: `env` is fresh, with a placeholder id; it gets the next id
   * and `data` (when defined) here, then is validated and encoded once.
   */
  #enqueue(
    env: IdEnvelope,
    data: unknown,
    timeoutMs: number | undefined,
    topic?: string,
  ): Promise<Receipt> {
    const session = this.#session;
    const outbox = this.#outbox;
    const id = outbox._peekId();
    let encoded: EncodedFrame;
    // Every refusal before admission (all AckwireClientErrors) rejects; nothing is queued.
    try {
      if (session._closeError) throw session._closedError();
      if (timeoutMs !== undefined && !(timeoutMs > 0)) {
        throw refused('timeoutMs', 'a number > 0', timeoutMs);
      }
      env.id = id;
      if (data !== undefined) (env as { data?: Payload }).data = data as Payload;
      encoded = encodeEnvelope(env, this.#opts, this.#validatedNames);
      if (encoded.bytes > outbox._maxBytes) throw tooLarge(encoded.bytes, outbox._maxBytes);
    } catch (error) {
      const refusal = error as AckwireClientError;
      return Promise.reject(refusal);
    }
    const now = this.#opts.clock.now();
    const ttl = session._info?.ttl;
    const timeout = Math.min(
      timeoutMs ?? this.#opts.sendTimeoutMs,
      ttl !== undefined && ttl > 0 ? ttl : Infinity,
    );
    return new Promise((resolve, reject) => {
      // The promise's own functions settle it: the outbox resolves with the receipt itself, so
      // the send path allocates no closure per message beyond this executor.
      const entry: OutboxEntry = {
        _id: id,
        _kind: env.k,
        _frame: encoded.frame,
        _bytes: encoded.bytes,
        _createdAt: now,
        _deadline: now + timeout,
        _attempts: 0,
        _writtenAt: undefined,
        _topic: topic,
        _resolve: resolve,
        _reject: reject,
      };
      try {
        outbox._add(entry);
      } catch (error) {
        const full = error as AckwireClientError; // QUEUE_FULL
        session._blocked = true;
        reject(full);
        return;
      }
      session._armDeadline(entry._deadline);
      session._probeIfIdle(now);
      session._flush();
    });
  }

  #sendSub(topic: string, position: StreamPosition | undefined): Promise<SubscribeResult> {
    const env: IdEnvelope = position
      ? { k: 'sub', id: 0, topic, epoch: position.epoch, offset: position.offset }
      : { k: 'sub', id: 0, topic };
    return this.#enqueue(env, undefined, undefined, topic).then(({ data }) => {
      try {
        return validateSubscribeResult(data, this.#opts.decodeLimits);
      } catch (cause) {
        const error = clientError(
          'BAD_SUBSCRIBE_RESULT',
          `subscribe ${topic}: ${(cause as Error).message}`,
          { cause },
        );
        this.#report(error);
        throw error;
      }
    });
  }

  #report(error: unknown): void {
    if (error instanceof AckwireClientError && error.code === 'CLOSED') return;
    if (error instanceof Error) this.#emitter._emit('error', error as AckwireClientError);
  }

  /** Reports an app listener (event or topic handler) that threw, as a `LISTENER_ERROR`. */
  #listenerError(cause: unknown): void {
    const message = `listener threw: ${String(cause)}`;
    this.#emitter._emit('error', clientError('LISTENER_ERROR', message, { cause }));
  }
}

/** The envelopes that carry an id and travel through the outbox. */
type IdEnvelope = Extract<ClientEnvelope, { id: number }>;
