/**
 * Server test helpers: a server on a free port, plus the shared raw protocol client
 * (`@ackwire/test-utils`).
 */
import { createServer, type AckwireServer, type ServerOptions } from '@ackwire/server';

export * from '@ackwire/test-utils';

/** Starts a server on 127.0.0.1, port 0. */
export async function startServer(
  options: ServerOptions = {},
): Promise<{ server: AckwireServer; url: string }> {
  const server = await createServer({ host: '127.0.0.1', port: 0, ...options });
  return { server, url: `ws://127.0.0.1:${server.port}` };
}
