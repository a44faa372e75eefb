import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';
import {
  answerMatches,
  describeAnswer,
  RFC6455_VIOLATIONS,
  sendHeaderFlood,
  sendInvalidUtf8,
  sendOrphanContinuation,
  sendOversizeControlFrame,
  sendReservedBits,
  sendTinyFragments,
  sendUnmaskedFrame,
} from '../src/raw-frames.js';
import { openRaw } from '../src/raw-socket.js';
import { Opcode } from '../src/ws-frame.js';

let wss: WebSocketServer;
let url: string;

beforeAll(async () => {
  wss = new WebSocketServer({
    host: '127.0.0.1',
    port: 0,
    maxPayload: 64 * 1024,
    handleProtocols: (protocols) => (protocols.has('ackwire.v1') ? 'ackwire.v1' : false),
    verifyClient: (info: { req: IncomingMessage }) => info.req.url !== '/forbidden',
  });
  await new Promise((r) => wss.once('listening', r));
  wss.on('connection', (ws) => {
    ws.on('error', () => undefined);
    ws.on('message', (data, isBinary) => ws.send(data, { binary: isBinary }));
  });
  url = `ws://127.0.0.1:${(wss.address() as AddressInfo).port}/`;
});

afterAll(async () => {
  for (const client of wss.clients) client.terminate();
  await new Promise((r) => wss.close(r));
});

describe('raw socket: a well-formed exchange', () => {
  it('upgrades with ackwire.v1 and gets a valid frame echoed', async () => {
    const session = await openRaw(url);
    try {
      expect(session.status).toBe(101);
      expect(session.headers.get('sec-websocket-protocol')).toBe('ackwire.v1');
      await session.send({ payload: '{"k":"ping","ts":1}' });
      const answer = await session.answer({ stopOnMessage: true });
      expect(answer).toMatchObject({
        kind: 'message',
        messages: [{ opcode: Opcode.TEXT, text: '{"k":"ping","ts":1}' }],
      });
    } finally {
      session.destroy();
    }
  });

  it('reports a refused upgrade as its HTTP status', async () => {
    const answer = await sendUnmaskedFrame(url.replace(/\/$/, '/forbidden'));
    expect(answer).toMatchObject({ kind: 'http', status: 401 });
    expect(describeAnswer(answer)).toBe('HTTP 401');
  });

  it('reports an unreachable server as CHAOS_CONNECT_FAILED', async () => {
    await expect(openRaw('ws://127.0.0.1:1/')).rejects.toMatchObject({
      code: 'CHAOS_CONNECT_FAILED',
    });
  });
});

describe('raw frames: RFC 6455 violations against ws', () => {
  it('an unmasked client frame is answered with 1002', async () => {
    expect(await sendUnmaskedFrame(url)).toMatchObject({ kind: 'close', code: 1002 });
  });

  it('reserved bits without an extension are answered with 1002', async () => {
    expect(await sendReservedBits(url)).toMatchObject({ kind: 'close', code: 1002 });
  });

  it('a control frame over 125 bytes is answered with 1002', async () => {
    expect(await sendOversizeControlFrame(url)).toMatchObject({ kind: 'close', code: 1002 });
  });

  it('invalid UTF-8 in a text frame is answered with 1007', async () => {
    expect(await sendInvalidUtf8(url)).toMatchObject({ kind: 'close', code: 1007 });
  });

  it('an orphan continuation frame is answered with 1002', async () => {
    expect(await sendOrphanContinuation(url)).toMatchObject({ kind: 'close', code: 1002 });
  });

  it('100 000 one-byte fragments are answered with 1008 (ws maxFragments)', async () => {
    expect(await sendTinyFragments(url)).toMatchObject({ kind: 'close', code: 1008 });
  });

  it('fewer fragments adding up past maxPayload are answered with 1009', async () => {
    expect(await sendTinyFragments(url, { fragmentBytes: 8 })).toMatchObject({
      kind: 'close',
      code: 1009,
    });
  });

  it('tiny fragments of a small message are reassembled and answered', async () => {
    const answer = await sendTinyFragments(url, { totalBytes: 2000 });
    expect(answer.kind).toBe('message');
    expect(answer.messages[0]).toMatchObject({ opcode: Opcode.TEXT, bytes: 2000 });
  });

  it('thousands of upgrade headers are answered with 431 or a closed socket', async () => {
    const answer = await sendHeaderFlood(url);
    expect(
      (answer.kind === 'http' && answer.status === 431) || answer.kind === 'socket-closed',
    ).toBe(true);
  });

  it('the violation table matches what ws answers', async () => {
    for (const v of RFC6455_VIOLATIONS) {
      const answer = await v.send(url);
      expect(answerMatches(answer, v.expected), `${v.name}: ${describeAnswer(answer)}`).toBe(true);
    }
  });
});
