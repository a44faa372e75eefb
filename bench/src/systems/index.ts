/**
 * Registry of compared systems. Each is loaded lazily, so a worker process only loads the
 * library it runs (a socket.io worker never parses mqtt.js, and so on).
 */
import type { BenchSystem } from './types.js';

/** Every system name the bench knows, in report order. */
export const SYSTEM_NAMES = [
  'ackwire',
  'ws-raw',
  'socket.io',
  'socket.io-retry',
  'mqtt-qos1',
] as const;

/** One of {@link SYSTEM_NAMES}. */
export type SystemName = (typeof SYSTEM_NAMES)[number];

const loaders: Record<SystemName, () => Promise<BenchSystem>> = {
  ackwire: async () => (await import('./ackwire.js')).ackwire,
  'ws-raw': async () => (await import('./ws-raw.js')).wsRaw,
  'socket.io': async () => (await import('./socket-io.js')).socketIo,
  'socket.io-retry': async () => (await import('./socket-io.js')).socketIoRetry,
  'mqtt-qos1': async () => (await import('./mqtt.js')).mqttQos1,
};

/** Loads a system by name; throws on an unknown name. */
export async function loadSystem(name: string): Promise<BenchSystem> {
  const load = loaders[name as SystemName] as (() => Promise<BenchSystem>) | undefined;
  if (!load) throw new Error(`unknown system '${name}' (known: ${SYSTEM_NAMES.join(', ')})`);
  return load();
}
