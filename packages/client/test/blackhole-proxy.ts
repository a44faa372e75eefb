/**
 * A TCP proxy on 127.0.0.1 that can turn its current connections into black holes: bytes stop
 * flowing both ways and neither side ever sees a FIN or RST, exactly like a half-open link
 * (a NAT that forgot the mapping, a laptop that changed networks). New connections work.
 */
import net from 'node:net';

export interface BlackholeProxy {
  port: number;
  /** Swallows every current connection from now on, silently. */
  blackhole(): void;
  close(): Promise<void>;
}

export async function startBlackholeProxy(targetPort: number): Promise<BlackholeProxy> {
  const pairs = new Set<{ down: net.Socket; up: net.Socket; holed: boolean }>();
  const server = net.createServer((down) => {
    const up = net.connect(targetPort, '127.0.0.1');
    const pair = { down, up, holed: false };
    pairs.add(pair);
    const pipe = (from: net.Socket, to: net.Socket) => {
      from.on('data', (d) => {
        if (!pair.holed) to.write(d);
      });
      from.on('close', () => {
        if (!pair.holed) to.destroy();
        else pairs.delete(pair);
      });
      from.on('error', () => {});
    };
    pipe(down, up);
    pipe(up, down);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    blackhole() {
      for (const p of pairs) p.holed = true;
    },
    async close() {
      for (const p of pairs) {
        p.down.destroy();
        p.up.destroy();
      }
      await new Promise((r) => server.close(r));
    },
  };
}
