/**
 * @ackwire/test-server: the reference server with built-in handlers, fault injection and an
 * HTTP control endpoint, for client tests and the demo. See packages/test-server/README.md.
 */
export {
  startTestServer,
  WS_PATH,
  type TestServer,
  type TestServerOptions,
} from './test-server.js';
export type { Faults } from './faults.js';
export type { StaticMount } from './static.js';
export type { RecordEntry } from './handlers.js';
