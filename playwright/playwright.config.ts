/**
 * End-to-end tests in a real Chromium. The config starts the test server itself (webServer) on a
 * free port, serving the test pages, the demo and the built client bundles.
 *
 * Browser: Debian's chromium at /usr/bin/chromium, or the path in ACKWIRE_CHROMIUM; where neither
 * exists, Playwright's own browser (`pnpm exec playwright install chromium`).
 */
import { defineConfig } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

// The config is evaluated in the runner and again in each worker; the runner picks the port once
// and the workers inherit it through the environment.
if (!process.env.ACKWIRE_E2E_PORT) {
  process.env.ACKWIRE_E2E_PORT = execFileSync(process.execPath, [
    '-e',
    "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{process.stdout.write(String(s.address().port));s.close()})",
  ]).toString();
}
const port = Number(process.env.ACKWIRE_E2E_PORT);

const chromium = process.env.ACKWIRE_CHROMIUM ?? '/usr/bin/chromium';
const executablePath = existsSync(chromium) ? chromium : undefined;

export default defineConfig({
  testDir: './tests',
  timeout: 60_000,
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: process.env.CI ? [['list']] : [['list']],
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    trace: 'retain-on-failure',
    launchOptions: {
      ...(executablePath ? { executablePath } : {}),
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--disable-quic',
        '--no-first-run',
      ],
    },
  },
  projects: [{ name: 'chromium', use: { browserName: 'chromium' } }],
  webServer: {
    command: [
      `node ${root}packages/test-server/dist/cli.js`,
      `--port ${port} --host 127.0.0.1`,
      `--heartbeat-interval 1000 --heartbeat-timeout 1000`,
      `--static ${root}playwright/pages`,
      `--static /client=${root}packages/client/dist`,
      `--static /protocol=${root}packages/protocol/dist`,
      `--static /vendor=${root}playwright/.build`,
      `--static /demo=${root}packages/test-server/demo`,
    ].join(' '),
    url: `http://127.0.0.1:${port}/control/stats`,
    reuseExistingServer: false,
    timeout: 30_000,
    stdout: 'pipe',
  },
});
