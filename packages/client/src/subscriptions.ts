/**
 * Topic subscriptions (docs/protocol.md §5, issue 5). A registry, reference-counted per topic:
 * two `subscribe` calls on one topic make one server subscription, and the server hears
 * `unsub` once, when the last one goes. The registry, not the outbox, is the truth after a
 * reconnect: every topic is re-sent in `hello.subs` with its position (epoch, last offset).
 *
 * A `recovered: false` answer to a resubscribe (history gap or epoch change) is never silent:
 * each subscription gets `subscribed` with `recovered: false` and a distinct `gap` event.
 * Events are deduplicated by (topic, epoch, offset), so a replay overlapping live delivery
 * never reaches a handler twice.
 */
import type {
  EventEnvelope,
  HelloSubscription,
  StreamPosition,
  SubscribeResult,
} from '@ackwire/protocol';
import { defer } from './defer.js';
import { Emitter } from './emitter.js';
import { ServerError } from './errors.js';
import type { EventMeta } from './types.js';

/** What `subscribed` reports, after each (re)subscribe. */
export interface SubscribedInfo {
  topic: string;
  /** False when events may have been missed (a gap) on a resubscribe; false on a first subscribe. */
  recovered: boolean;
  /** True for this subscription's first `subscribed`. */
  initial: boolean;
  epoch: string;
  /** The topic's last offset when the subscription took effect. */
  offset: number;
}

/** What `gap` reports: events between `previous` and `current` were not delivered. */
export interface GapInfo {
  topic: string;
  /** The position the client held. */
  previous: StreamPosition;
  /** The position delivery resumes after. */
  current: StreamPosition;
  /** Why: the server could not replay (`history`), the topic restarted (`epoch`), or offsets skipped (`skip`). */
  cause: 'history' | 'epoch' | 'skip';
}

/** Events of one {@link Subscription}. */
export interface SubscriptionEvents {
  subscribed: (info: SubscribedInfo) => void;
  gap: (info: GapInfo) => void;
  /** The server refused the subscription (e.g. `FORBIDDEN`); it is removed. */
  error: (error: Error) => void;
}

/** A topic event handler. */
export type TopicHandler<D = unknown> = (data: D, meta: EventMeta) => void;

/**
 * One topic's handles and the position the client holds (its last delivered event). Both are
 * kept cheap to deliver with (issue 7): `_subs` is replaced, never changed in place, so delivery
 * walks it without a copy (a handle added or removed by a handler counts from the next event);
 * `_position` is the state's own object, moved in place per event and copied wherever it leaves.
 */
interface TopicState {
  readonly _topic: string;
  _subs: readonly Subscription<never>[];
  _position: StreamPosition | undefined;
}

/** What the registry needs from the client. @internal */
export interface RegistryHooks {
  /** True while a session is open (subscribe/unsubscribe go out at once). */
  _isOpen(): boolean;
  /** Sends `sub`; resolves with the validated result. */
  _sendSub(topic: string, position: StreamPosition | undefined): Promise<SubscribeResult>;
  /** Sends `unsub`. */
  _sendUnsub(topic: string): void;
  /** Reports a throwing handler or listener. */
  _listenerError(error: unknown): void;
}

/** One `subscribe` call's handle. Undo with `unsubscribe()`. */
export class Subscription<D = unknown> {
  /** The topic. */
  readonly topic: string;
  /** @internal */
  readonly _emitter: Emitter<SubscriptionEvents>;
  #removed = false;
  /** @internal */
  _seenFirst = false;
  /** @internal */
  readonly _handler: TopicHandler<D>;
  readonly #registry: SubscriptionRegistry;

  /** @internal Subscriptions are made by `client.subscribe`. */
  constructor(topic: string, handler: TopicHandler<D>, registry: SubscriptionRegistry) {
    this.topic = topic;
    this._handler = handler;
    this.#registry = registry;
    this._emitter = new Emitter<SubscriptionEvents>((e) => registry._hooks._listenerError(e));
  }

  /** True until `unsubscribe()` (or a server refusal). */
  get active(): boolean {
    return !this.#removed;
  }

  /** Listens to `subscribed`, `gap` or `error`; returns the undo. */
  on<E extends keyof SubscriptionEvents>(event: E, listener: SubscriptionEvents[E]): () => void {
    return this._emitter._on(event, listener);
  }

  /** Stops delivery to this handler; the server subscription goes when the last handle does. Idempotent. */
  unsubscribe(): void {
    if (this.#removed) return;
    this.#removed = true;
    this.#registry._remove(this);
    this._emitter.removeAllListeners();
  }

  /** @internal */
  _markRemoved(): void {
    this.#removed = true;
  }
}

/** Every subscription of one client. @internal */
export class SubscriptionRegistry {
  readonly #topics = new Map<string, TopicState>();

  readonly _hooks: RegistryHooks;

  constructor(hooks: RegistryHooks) {
    this._hooks = hooks;
  }

  /** Topics with at least one subscription. */
  get _size(): number {
    return this.#topics.size;
  }

  /** Adds a handler; makes the server subscription when it is the topic's first. */
  _add<D>(topic: string, handler: TopicHandler<D>): Subscription<D> {
    const sub = new Subscription<D>(topic, handler, this);
    let state = this.#topics.get(topic);
    if (!state) {
      state = { _topic: topic, _subs: [sub], _position: undefined };
      this.#topics.set(topic, state);
      if (this._hooks._isOpen()) this.#subscribeNow(state);
    } else {
      state._subs = [...state._subs, sub];
      const position = state._position && { ...state._position };
      if (position) {
        // The server subscription already exists: this handle is live from the next event.
        defer(() => {
          if (sub.active && this.#topics.get(topic) === state)
            this.#announce(sub, topic, position, false);
        });
      }
    }
    return sub;
  }

  /** Removes a handle; sends `unsub` once, when it was the topic's last. */
  _remove(sub: Subscription<never>): void {
    const state = this.#topics.get(sub.topic);
    if (!state?._subs.includes(sub)) return;
    state._subs = state._subs.filter((s) => s !== sub);
    if (state._subs.length > 0) return;
    this.#topics.delete(sub.topic);
    if (this._hooks._isOpen()) this._hooks._sendUnsub(sub.topic);
  }

  /** `hello.subs`: every topic, with its position when known. */
  _helloSubs(): HelloSubscription[] {
    return [...this.#topics.values()].map((s) =>
      s._position
        ? { topic: s._topic, epoch: s._position.epoch, offset: s._position.offset }
        : { topic: s._topic },
    );
  }

  /** Applies `welcome.subs` (answers to `hello.subs`, in order). */
  _applyWelcome(
    sent: readonly HelloSubscription[],
    results: readonly SubscribeResult[] | undefined,
  ): void {
    sent.forEach((h, i) => {
      const state = this.#topics.get(h.topic);
      if (!state) return;
      const result = results?.[i];
      if (result && result.topic === h.topic) this.#apply(state, result);
      else this.#subscribeNow(state); // no answer for it: ask again on its own
    });
    // Topics added while the hello was in flight were not in it.
    for (const state of this.#topics.values()) {
      if (!sent.some((h) => h.topic === state._topic)) this.#subscribeNow(state);
    }
  }

  /** Delivers one event to every handler of its topic, once. */
  _deliver(event: EventEnvelope): void {
    const state = this.#topics.get(event.topic);
    if (!state) return; // unsubscribed; the server has not processed our unsub yet
    const pos = state._position;
    if (pos) {
      if (event.epoch !== pos.epoch) return; // stale epoch: a resubscribe moved us on
      if (event.offset <= pos.offset) return; // duplicate (replay overlapping live)
      if (event.offset > pos.offset + 1) {
        this.#gap(state, pos, { epoch: pos.epoch, offset: event.offset - 1 }, 'skip');
      }
    }
    if (pos)
      pos.offset = event.offset; // same epoch: checked above
    else state._position = { epoch: event.epoch, offset: event.offset };
    const meta: EventMeta = {
      topic: event.topic,
      epoch: event.epoch,
      offset: event.offset,
      publishedAt: event.ts,
    };
    for (const sub of state._subs) {
      if (!sub.active) continue;
      try {
        (sub._handler as TopicHandler)(event.data, meta);
      } catch (error) {
        this._hooks._listenerError(error);
      }
    }
  }

  /** Drops everything (client closed). */
  _clear(): void {
    for (const state of this.#topics.values()) for (const sub of state._subs) sub._markRemoved();
    this.#topics.clear();
  }

  #subscribeNow(state: TopicState): void {
    this._hooks._sendSub(state._topic, state._position).then(
      (result) => {
        if (this.#topics.get(state._topic) === state) this.#apply(state, result);
      },
      (error: unknown) => {
        if (this.#topics.get(state._topic) !== state) return;
        // Lost with the connection: the next hello carries the topic, nothing to report.
        if ((error as { code?: string }).code === 'CLOSED') return;
        this.#refuse(state, error instanceof Error ? error : new Error(String(error)));
      },
    );
  }

  #apply(state: TopicState, result: SubscribeResult): void {
    if (!result.ok) {
      this.#refuse(state, new ServerError(result.error.code, result.error.message));
      return;
    }
    const previous = state._position;
    const current = { epoch: result.epoch, offset: result.offset };
    if (!result.recovered || !previous) state._position = { ...current };
    if (previous && !result.recovered) {
      this.#gap(state, previous, current, previous.epoch === result.epoch ? 'history' : 'epoch');
    }
    for (const sub of state._subs) this.#announce(sub, state._topic, current, result.recovered);
  }

  /** Tells every handle of `state` that events after `previous` up to `current` were missed. */
  #gap(
    state: TopicState,
    previous: StreamPosition,
    current: StreamPosition,
    cause: GapInfo['cause'],
  ): void {
    for (const sub of state._subs) {
      sub._emitter._emit('gap', { topic: state._topic, previous: { ...previous }, current, cause });
    }
  }

  #announce(
    sub: Subscription<never>,
    topic: string,
    pos: StreamPosition,
    recovered: boolean,
  ): void {
    const initial = !sub._seenFirst;
    sub._seenFirst = true;
    sub._emitter._emit('subscribed', {
      topic,
      recovered: initial ? false : recovered,
      initial,
      epoch: pos.epoch,
      offset: pos.offset,
    });
  }

  #refuse(state: TopicState, error: Error): void {
    this.#topics.delete(state._topic);
    for (const sub of state._subs) {
      sub._markRemoved();
      sub._emitter._emit('error', error);
    }
  }
}
