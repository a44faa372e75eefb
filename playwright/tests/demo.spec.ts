/**
 * The demo page (issue 6): two tabs see each other's chat messages and cursors, and the fault
 * buttons make the connection drop and recover. Every run saves a screenshot under
 * test-results/; `UPDATE_DEMO_SCREENSHOT=1` refreshes the one kept in docs/demo.png instead, so
 * `pnpm test` never leaves the tree dirty.
 */
import { expect, test, type Page } from '@playwright/test';
import { fileURLToPath } from 'node:url';
import { fault } from './helpers.js';

const screenshot = fileURLToPath(
  new URL(
    process.env['UPDATE_DEMO_SCREENSHOT'] === '1'
      ? '../../docs/demo.png'
      : '../test-results/demo.png',
    import.meta.url,
  ),
);

async function openDemo(page: Page) {
  await page.goto('/demo/index.html');
  await expect(page.locator('#state')).toHaveText('open', { timeout: 10_000 });
}

test.describe('demo page', () => {
  test.beforeEach(async ({ request }) => {
    await fault(request, 'clear');
  });

  test('a chat message and a cursor cross from one tab to the other', async ({ browser }) => {
    const context = await browser.newContext({ viewport: { width: 1200, height: 900 } });
    const [a, b] = [await context.newPage(), await context.newPage()];
    await openDemo(a);
    await openDemo(b);

    await a.fill('#chat-input', 'hello from tab a');
    await a.click('#chat-form button');
    await expect(a.locator('#messages li', { hasText: 'hello from tab a' })).toHaveAttribute(
      'data-state',
      'acknowledged',
    );
    await expect(b.locator('#messages li', { hasText: 'hello from tab a' })).toBeVisible();

    const board = await a.locator('#board').boundingBox();
    expect(board).not.toBeNull();
    for (let i = 0; i < 10; i++) {
      await a.mouse.move(board!.x + 40 + i * 20, board!.y + 60 + i * 10);
      await a.waitForTimeout(40);
    }
    await expect(b.locator('#board .cursor')).toHaveCount(1);

    await b.fill('#chat-input', 'and hello back');
    await b.click('#chat-form button');
    await expect(a.locator('#messages li', { hasText: 'and hello back' })).toBeVisible();
    // Tab b shows a's cursor and, after a heartbeat, the round-trip time.
    await expect(b.locator('#rtt')).toHaveText(/\d+ ms/, { timeout: 10_000 });
    await b.screenshot({ path: screenshot });
    await context.close();
  });

  test('the fault buttons drop, stall and restart the server, and the page recovers', async ({
    page,
  }) => {
    await openDemo(page);
    for (const name of ['drop', 'restart', 'stall']) {
      const reconnectsBefore = Number(await page.locator('#reconnects').textContent());
      await page.click(`#faults button:has-text("${name}")`);
      // A drop can heal faster than a poll sees the state change; the reconnect count cannot.
      await expect
        .poll(async () => Number(await page.locator('#reconnects').textContent()), {
          timeout: 15_000,
        })
        .toBeGreaterThan(reconnectsBefore);
      await expect(page.locator('#state')).toHaveText('open', { timeout: 15_000 });
    }
    await page.fill('#chat-input', 'still here');
    await page.click('#chat-form button');
    await expect(page.locator('#messages li', { hasText: 'still here' })).toHaveAttribute(
      'data-state',
      'acknowledged',
    );
  });
});
