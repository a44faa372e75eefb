/**
 * @ackwire/client: one WebSocket you can trust. See README.md for options, events, the
 * delivery guarantee and error codes.
 */
export { AckwireClient } from './client.js';
export {
  DEFAULT_CLIENT_OPTIONS,
  resolveOptions,
  type ClientOptions,
  type OverflowPolicy,
} from './options.js';
export { AckwireClientError, ServerError, type ClientErrorCode } from './errors.js';
export {
  TRANSITIONS,
  canTransition,
  type ClientState,
  type StateChange,
  type StateReason,
} from './state.js';
export { resolveUrl, type LocationLike, type ResolvedUrl } from './url.js';
export {
  backoffDelay,
  retryLaterDelay,
  type BackoffSettings,
  type RandomSource,
} from './backoff.js';
export { systemClock, type Clock, type TimerHandle } from './clock.js';
export type { LifecycleTarget } from './lifecycle.js';
export {
  Subscription,
  type SubscribedInfo,
  type GapInfo,
  type SubscriptionEvents,
  type TopicHandler,
} from './subscriptions.js';
export type {
  WebSocketLike,
  WebSocketConstructor,
  CloseEventLike,
  MessageEventLike,
  ErrorEventLike,
  EventHandler,
} from './websocket.js';
export type {
  MessageSpec,
  MessageMap,
  PushMap,
  TopicMap,
  AnyMessages,
  AnyPushes,
  AnyTopics,
  DataOf,
  ResultOf,
  DataArgs,
  SendOptions,
  Receipt,
  PushMessage,
  EventMeta,
  SessionInfo,
  RetryInfo,
  ClientStats,
  ClientEvents,
} from './types.js';
export {
  AckwireError,
  ProtocolError,
  CloseCode,
  type Payload,
  type StreamPosition,
} from '@ackwire/protocol';
