import { describe, expect, it } from 'vitest';
import { CloseCode } from '@ackwire/protocol';
import { connect, useServers } from './helpers.js';

const start = useServers();

describe('server close', () => {
  it('sends goaway then closes every connection with 1001, and leaves nothing pending', async () => {
    const { server, url } = await start({ goAwayAfterMs: 750 });
    const a = await connect(url);
    const b = await connect(url);
    await server.close();
    for (const c of [a.client, b.client]) {
      expect(await c.takeKind('goaway')).toEqual({
        k: 'goaway',
        after: 750,
        reason: 'server shutting down',
      });
      expect((await c.closed).code).toBe(CloseCode.GOING_AWAY);
    }
    expect(server.stats()).toMatchObject({ connections: 0, sessions: 0, timers: 0, topics: 0 });
    expect(server.state).toBe('closed');
    expect(server.httpServer.listening).toBe(false);
  });

  it('terminates without goaway when closed abruptly', async () => {
    const { server, url } = await start();
    const a = await connect(url);
    await server.close({ abrupt: true });
    expect((await a.client.closed).code).toBe(1006);
    expect(a.client.received.some((r) => r.envelope.k === 'goaway')).toBe(false);
  });

  it('refuses server-side sends after close with SERVER_CLOSED', async () => {
    const { server } = await start();
    await server.close();
    expect(() => server.broadcast('x')).toThrow(expect.objectContaining({ code: 'SERVER_CLOSED' }));
  });

  it('counts messages and bytes in stats()', async () => {
    const { server, url } = await start();
    server.handle('echo', (d) => d);
    const { client } = await connect(url);
    client.send({ k: 'msg', id: 1, type: 'echo', data: 'abc' });
    await client.takeAck(1);
    const s = server.stats();
    expect(s.messagesIn).toBe(2);
    expect(s.messagesOut).toBe(2);
    expect(s.bytesIn).toBeGreaterThan(20);
    expect(s.bytesOut).toBeGreaterThan(20);
    expect(s.connections).toBe(1);
    client.close();
  });
});
