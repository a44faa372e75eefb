/**
 * HTTP upgrade checks (docs/protocol.md §1), done before `ws` builds a WebSocket: a refused
 * upgrade costs one short HTTP answer and no per-connection state. Order: path, origin, version,
 * capacity, so a client learns the most specific reason first.
 */
import { STATUS_CODES, type IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { selectSubprotocol, SUBPROTOCOL, VERSION_REFUSED_STATUS } from '@ackwire/protocol';

/** A refused upgrade: the HTTP status and the plain-text body sent back. */
export interface UpgradeRefusal {
  status: number;
  body: string;
  headers?: Record<string, string>;
}

/** What `checkUpgrade` needs to decide. @internal */
export interface UpgradePolicy {
  allowedOrigins: readonly string[] | undefined;
  allowMissingOrigin: boolean;
  maxConnections: number;
  maxConnectionsPerIp: number;
  connections: number;
  connectionsFromIp: number;
}

/** Text body of the 426 answer (docs/protocol.md §1). */
export const VERSION_REFUSED_BODY = `ackwire: unsupported protocol version; this server speaks ${SUBPROTOCOL}`;

/** The pathname of a request URL, without the query. */
export function pathnameOf(req: IncomingMessage): string {
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  return q === -1 ? url : url.slice(0, q);
}

/** Subprotocols offered in `Sec-WebSocket-Protocol`, in order. */
export function offeredSubprotocols(req: IncomingMessage): string[] {
  const header = req.headers['sec-websocket-protocol'];
  if (typeof header !== 'string') return [];
  return header
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p.length > 0);
}

/** Decides whether an upgrade may proceed; returns the refusal when it may not. */
export function checkUpgrade(
  req: IncomingMessage,
  policy: UpgradePolicy,
): UpgradeRefusal | undefined {
  if (policy.allowedOrigins) {
    const origin = req.headers.origin;
    const allowed =
      origin === undefined ? policy.allowMissingOrigin : policy.allowedOrigins.includes(origin);
    if (!allowed) return { status: 403, body: 'ackwire: origin not allowed' };
  }
  if (selectSubprotocol(offeredSubprotocols(req)) === undefined) {
    return {
      status: VERSION_REFUSED_STATUS,
      body: VERSION_REFUSED_BODY,
      headers: { 'Sec-WebSocket-Protocol': SUBPROTOCOL },
    };
  }
  if (policy.connections >= policy.maxConnections) {
    return {
      status: 503,
      body: 'ackwire: server at connection limit',
      headers: { 'Retry-After': '5' },
    };
  }
  if (policy.connectionsFromIp >= policy.maxConnectionsPerIp) {
    return { status: 429, body: 'ackwire: too many connections from this address' };
  }
  return undefined;
}

/**
 * Answers a refused upgrade with a complete HTTP response and closes the socket. The error
 * listener is attached first: a client that resets mid-answer must not crash the server.
 */
export function refuseUpgrade(socket: Duplex, refusal: UpgradeRefusal): void {
  socket.on('error', () => socket.destroy());
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const headers = {
    Connection: 'close',
    'Content-Type': 'text/plain; charset=utf-8',
    'Content-Length': String(Buffer.byteLength(refusal.body)),
    ...refusal.headers,
  };
  const head = [
    `HTTP/1.1 ${refusal.status} ${STATUS_CODES[refusal.status] ?? 'Error'}`,
    ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`),
  ].join('\r\n');
  socket.once('finish', () => socket.destroy());
  socket.end(`${head}\r\n\r\n${refusal.body}`);
}
