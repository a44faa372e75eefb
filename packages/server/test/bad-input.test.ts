import { describe, expect, it } from 'vitest';
import { CloseCode } from '@ackwire/protocol';
import { connect, useServers, TestClient } from './helpers.js';

const start = useServers();

async function open(options = {}): Promise<{ client: TestClient; url: string }> {
  const { server, url } = await start(options);
  server.handle('echo', (d) => d);
  return { client: (await connect(url)).client, url };
}

describe('bad input after session open', () => {
  it('answers invalid JSON with an error notice PROTOCOL_INVALID_JSON and stays up', async () => {
    const { client } = await open();
    client.sendRaw('{"k":"msg",');
    expect(await client.takeKind('error')).toMatchObject({
      err: { code: 'PROTOCOL_INVALID_JSON' },
    });
    client.send({ k: 'msg', id: 1, type: 'echo', data: 'still here' });
    expect(await client.takeAck(1)).toMatchObject({ ok: true, data: 'still here' });
    client.close();
  });

  it('answers an unknown kind with PROTOCOL_UNKNOWN_KIND', async () => {
    const { client } = await open();
    client.sendRaw(JSON.stringify({ k: 'teleport', id: 3 }));
    expect(await client.takeKind('error')).toMatchObject({
      err: { code: 'PROTOCOL_UNKNOWN_KIND' },
    });
    client.close();
  });

  it('answers a wrong field type on an id-carrying kind with an error receipt for that id', async () => {
    const { client } = await open();
    client.sendRaw(JSON.stringify({ k: 'msg', id: 4, type: 42 }));
    expect(await client.takeAck(4)).toMatchObject({
      ok: false,
      err: { code: 'PROTOCOL_INVALID_FIELD' },
    });
    client.sendRaw(JSON.stringify({ k: 'sub', id: 5, topic: 'bad topic!' }));
    expect(await client.takeAck(5)).toMatchObject({
      ok: false,
      err: { code: 'PROTOCOL_INVALID_TOPIC' },
    });
    client.sendRaw(JSON.stringify({ k: 'msg', id: -1, type: 'echo' }));
    expect(await client.takeKind('error')).toMatchObject({
      err: { code: 'PROTOCOL_INVALID_FIELD' },
    });
    client.close();
  });

  it('answers binary garbage with an error notice', async () => {
    const { client } = await open();
    client.sendRaw(Buffer.from([0xee, 0x00, 0x01]));
    expect(await client.takeKind('error')).toMatchObject({
      err: { code: 'PROTOCOL_UNKNOWN_KIND' },
    });
    client.sendRaw(Buffer.from([0x01, 0x00, 0x07, 0x20]));
    expect(await client.takeAck(7)).toMatchObject({
      ok: false,
      err: { code: 'PROTOCOL_INVALID_BINARY' },
    });
    client.close();
  });

  it('answers too deep JSON with PROTOCOL_TOO_DEEP', async () => {
    const { client } = await open();
    client.sendRaw(`{"k":"msg","id":1,"type":"echo","data":${'['.repeat(40)}${']'.repeat(40)}}`);
    expect(await client.takeKind('error')).toMatchObject({ err: { code: 'PROTOCOL_TOO_DEEP' } });
    client.close();
  });

  it('closes with 1007 on invalid UTF-8 in a text frame', async () => {
    const { client } = await open();
    client.sendRaw(Buffer.from([0x7b, 0xff, 0xfe, 0x7d]), false);
    expect((await client.closed).code).toBe(CloseCode.INVALID_PAYLOAD);
  });

  it('closes with 4009 after more than maxProtocolErrors invalid frames', async () => {
    const { client } = await open({ maxProtocolErrors: 3 });
    for (let i = 0; i < 4; i++) client.sendRaw('nope');
    expect((await client.closed).code).toBe(CloseCode.BAD_ENVELOPE);
    expect(client.received.filter((r) => r.envelope.k === 'error')).toHaveLength(3);
  });

  it('closes with 4009 on an invalid frame before hello', async () => {
    const { url } = await start();
    const client = new TestClient(url);
    await client.opened();
    client.sendRaw('not json');
    expect((await client.closed).code).toBe(CloseCode.BAD_ENVELOPE);
  });

  it('leaves other connections unaffected by one bad client', async () => {
    const { client: bad, url } = await open();
    const { client: good } = await connect(url);
    bad.sendRaw(Buffer.from([0x7b, 0xff]), false);
    bad.sendRaw('x'.repeat(70_000));
    await bad.closed;
    good.send({ k: 'msg', id: 1, type: 'echo', data: 1 });
    expect(await good.takeAck(1)).toMatchObject({ ok: true, data: 1 });
    good.close();
  });
});
