/**
 * @ackwire/chaos (private): the chaos harness of ackwire. A fault-injecting TCP proxy, raw
 * RFC 6455 violation senders, a seeded frame mutator and the runners behind `pnpm chaos`.
 * docs/reliability.md describes each part and how to replay a seed.
 */
export * from './rng.js';
export * from './errors.js';
export * from './fault.js';
export { startProxy, PROXY_DEFAULTS, type Proxy, type ProxyOptions } from './proxy.js';
export { ProxyConnection, type ConnectionStats } from './proxy-connection.js';
export * from './raw-frames.js';
export { openRaw, RawSession, RAW_DEFAULTS } from './raw-socket.js';
export { encodeFrame, Opcode, type RawFrame } from './ws-frame.js';
export { mutate, randomFrame, type FuzzFrame, type Mutant } from './mutate.js';
export { corpusFrames, CLIENT_ENVELOPES, SERVER_ENVELOPES } from './corpus.js';
export * from './fuzz.js';
export { printResult, runAll, type Runner, type RunnerResult } from './runner.js';
