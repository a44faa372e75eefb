/** Test helpers: the shared raw protocol client (`@ackwire/test-utils`). */
export * from '@ackwire/test-utils';
