/**
 * A plain `ws` echo server configured like the ackwire server's transport (subprotocol
 * `ackwire.v1`, 64 KiB `maxPayload`): the yardstick runners use to check the harness itself
 * before pointing it at the real server.
 */
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';

/** A running reference server. */
export interface ReferenceServer {
  readonly port: number;
  /** `ws://127.0.0.1:<port>/`. */
  readonly url: string;
  close(): Promise<void>;
}

/** Starts the reference echo server on 127.0.0.1, OS-chosen port. */
export async function startReferenceServer(): Promise<ReferenceServer> {
  const wss = new WebSocketServer({
    host: '127.0.0.1',
    port: 0,
    maxPayload: 64 * 1024,
    handleProtocols: (protocols) => (protocols.has('ackwire.v1') ? 'ackwire.v1' : false),
  });
  await new Promise<void>((resolve, reject) => {
    wss.once('listening', resolve);
    wss.once('error', reject);
  });
  wss.on('connection', (ws) => {
    ws.on('error', () => undefined);
    ws.on('message', (data, isBinary) => ws.send(data, { binary: isBinary }));
  });
  const port = (wss.address() as AddressInfo).port;
  return {
    port,
    url: `ws://127.0.0.1:${port}/`,
    close: async () => {
      for (const client of wss.clients) client.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}
