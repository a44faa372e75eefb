import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '@ackwire/test-server';

let ts: TestServer | undefined;
afterEach(async () => {
  await ts?.close();
  ts = undefined;
});

describe('static files', () => {
  it('serves files from staticDir and nothing outside it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ackwire-static-'));
    writeFileSync(join(dir, 'index.html'), '<h1>demo</h1>');
    ts = await startTestServer({ staticDir: dir });
    const page = await fetch(`${ts.httpUrl}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    expect(await page.text()).toBe('<h1>demo</h1>');
    expect((await fetch(`${ts.httpUrl}/%2e%2e/%2e%2e/etc/passwd`)).status).toBe(404);
    expect((await fetch(`${ts.httpUrl}/missing.js`)).status).toBe(404);
  });
});

const cli = fileURLToPath(new URL('../dist/cli.js', import.meta.url));

describe('CLI', () => {
  it.skipIf(!existsSync(cli))(
    'prints its URL and exits cleanly on SIGINT and SIGTERM',
    async () => {
      for (const signal of ['SIGINT', 'SIGTERM'] as const) {
        const child = spawn(process.execPath, [cli, '--port', '0'], {
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        const line = await new Promise<string>((resolve, reject) => {
          let out = '';
          child.stdout.on('data', (c: Buffer) => {
            out += c.toString();
            if (out.includes('\n')) resolve(out);
          });
          child.once('exit', () => reject(new Error(`exited early: ${out}`)));
        });
        expect(line).toMatch(
          /^ackwire test server: ws:\/\/127\.0\.0\.1:\d+\/rt \(control: http:\/\/127\.0\.0\.1:\d+\/control\)\n$/,
        );
        const exited = new Promise<number | null>((resolve) =>
          child.once('exit', (code) => resolve(code)),
        );
        child.kill(signal);
        expect(await exited).toBe(0);
      }
    },
  );
});
