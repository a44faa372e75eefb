/**
 * @ackwire/server: the reference ackwire v1 server on `ws`. See packages/server/README.md.
 */
export { AckwireServer, createServer } from './server.js';
export type { ServerState, ConnectionHandle, CloseOptions } from './server.js';
export {
  DEFAULT_SERVER_OPTIONS,
  resolveOptions,
  type ServerOptions,
  type Authenticate,
  type AuthorizeTopic,
  type SendInterceptor,
  type SendVerdict,
  type ConnectionInfo,
} from './options.js';
export { AckwireServerError, toWireError, type ServerErrorCode } from './errors.js';
export {
  InMemoryDedupStore,
  InMemoryReceiptWindow,
  type DedupStore,
  type ReceiptWindow,
  type DedupVerdict,
} from './dedup-store.js';
export { FileDedupStore, readJournal, type JournalEntry } from './file-dedup-store.js';
export { Session } from './session.js';
export { TokenBucket, type RateVerdict } from './rate-limit.js';
export { Topic, type StoredEvent, type ResumeResult, type HistoryLimits } from './topics.js';
export { TopicStore, FORGOTTEN_TOPICS_KEPT } from './topic-store.js';
export { systemClock, type Clock } from './clock.js';
export { VERSION_REFUSED_BODY } from './upgrade.js';
export type { ServerStats } from './stats.js';
export type {
  Handler,
  HandlerContext,
  PushOptions,
  BroadcastOptions,
  PublishResult,
  ConnectEvent,
  SessionEvent,
  DisconnectEvent,
  ServerEvents,
} from './types.js';
