#!/usr/bin/env node
/**
 * `ackwire-test-server --port 8080 [--host 127.0.0.1] [--static [/PREFIX=]DIR]...
 * [--heartbeat-interval MS] [--heartbeat-timeout MS]`: runs the test server until
 * SIGINT/SIGTERM. Without a `--static` mount at `/` it serves the demo folder next to the
 * package when it exists.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { parseMount } from './static.js';
import { startTestServer, type TestServer } from './test-server.js';

const USAGE =
  'usage: ackwire-test-server [--port 8080] [--host 127.0.0.1] [--static [/PREFIX=]DIR]...\n' +
  '                           [--heartbeat-interval MS] [--heartbeat-timeout MS]';

function positiveInt(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) {
    console.error(`invalid ${flag} ${value}: expected a positive integer\n${USAGE}`);
    process.exit(2);
  }
  return n;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '8080' },
      host: { type: 'string', default: '127.0.0.1' },
      static: { type: 'string', multiple: true },
      'heartbeat-interval': { type: 'string' },
      'heartbeat-timeout': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`invalid --port ${values.port}\n${USAGE}`);
    process.exit(2);
  }
  const mounts = (values.static ?? []).map(parseMount);
  const demo = fileURLToPath(new URL('../demo', import.meta.url));
  if (!mounts.some((m) => m.prefix === '/') && existsSync(demo)) {
    mounts.push({ prefix: '/', dir: demo });
  }
  const heartbeatIntervalMs = positiveInt(values['heartbeat-interval'], '--heartbeat-interval');
  const heartbeatTimeoutMs = positiveInt(values['heartbeat-timeout'], '--heartbeat-timeout');
  // Signal handlers go in before the URL is printed: whoever reads the URL may signal at once.
  let stopping = false;
  const running: { server?: TestServer } = {};
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    (running.server ? running.server.close() : Promise.resolve()).then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  const server = await startTestServer({
    port,
    host: values.host,
    staticMounts: mounts,
    serverOptions: {
      ...(heartbeatIntervalMs !== undefined ? { heartbeatIntervalMs } : {}),
      ...(heartbeatTimeoutMs !== undefined ? { heartbeatTimeoutMs } : {}),
    },
  });
  running.server = server;
  if (stopping) {
    await server.close();
    return;
  }
  console.log(`ackwire test server: ${server.url} (control: ${server.controlUrl})`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
