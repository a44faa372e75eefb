/** Test helpers shared by the workspace's test suites (private, never published). */
export * from './raw-client.js';
