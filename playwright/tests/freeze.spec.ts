/**
 * Issue 8, browser: the page is frozen for 30 s (Chrome DevTools Protocol
 * `Page.setWebLifecycleState` frozen, what Chrome does to background tabs under memory pressure
 * and on mobile) while the server publishes, then resumed. Chromium keeps answering the
 * server's protocol pings for a frozen page, so the link would survive; halfway through, the
 * server drops every connection, so the resumed page finds a dead socket. The subscription must
 * come back, recovered from history, with every event exactly once and in order, and messages
 * sent just before the freeze must be processed exactly once. One build (UMD) only: 30 s is
 * long for the e2e suite.
 */
import { expect, test } from '@playwright/test';
import { createClient, fault, openPage, recordLog, waitOpen, type TestWindow } from './helpers.js';

const FREEZE_MS = 30_000;
const TOPIC = 'e2e:freeze';

interface FreezeWindow extends TestWindow {
  gaps: unknown[];
}

test('a page frozen for 30 s while the server publishes resumes with nothing lost or doubled', async ({
  page,
  request,
}) => {
  test.setTimeout(FREEZE_MS + 60_000);
  await fault(request, 'clear');
  await openPage(page, 'umd');
  await createClient(page);
  await waitOpen(page);
  await page.evaluate(async (topic) => {
    const w = window as unknown as FreezeWindow;
    w.seen = [];
    w.subscribed = [];
    w.gaps = [];
    const sub = w.client.subscribe(topic, (data) => w.seen.push((data as { n: number }).n));
    sub.on('subscribed', (e: { recovered: boolean }) => w.subscribed.push(e.recovered));
    sub.on('gap', (g: unknown) => w.gaps.push(g));
    await new Promise<void>((resolve) => sub.on('subscribed', () => resolve()));
  }, TOPIC);
  let n = 0;
  const publish = async () => {
    n++;
    await fault(request, 'publish', { topic: TOPIC, data: { n } });
  };
  for (let i = 0; i < 5; i++) await publish();
  await page.waitForFunction(() => (window as unknown as TestWindow).seen.length === 5);

  // Acknowledged messages in flight at the moment of the freeze.
  const cid = await page.evaluate(() => {
    const w = window as unknown as TestWindow;
    w.results = [];
    w.pending = Array.from({ length: 20 }, (_, i) =>
      w.client.send('record', { freeze: i }).then(
        () => w.results.push({ n: i, ok: true }),
        (e: { code: string }) => w.results.push({ n: i, ok: false, code: e.code }),
      ),
    );
    return w.client.clientId;
  });

  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Page.setWebLifecycleState', { state: 'frozen' });
  const frozenAt = Date.now();
  let dropped = false;
  while (Date.now() < frozenAt + FREEZE_MS) {
    await publish();
    // Halfway, the server drops every connection (RST): a frozen page cannot notice, so on
    // resume the client finds a dead socket and must recover the rest from history.
    if (!dropped && Date.now() >= frozenAt + FREEZE_MS / 2) {
      dropped = true;
      await fault(request, 'dropAll');
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  await cdp.send('Page.setWebLifecycleState', { state: 'active' });
  for (let i = 0; i < 5; i++) await publish();

  const total = n;
  await page.waitForFunction(
    (want) => (window as unknown as TestWindow).seen.length >= want,
    total,
    { timeout: 30_000 },
  );
  await page.waitForFunction(
    () => (window as unknown as TestWindow).results.length === 20,
    undefined,
    {
      timeout: 30_000,
    },
  );
  await page.waitForTimeout(500);
  const after = await page.evaluate(() => {
    const w = window as unknown as FreezeWindow;
    return {
      seen: w.seen,
      subscribed: w.subscribed,
      gaps: w.gaps,
      results: w.results,
      states: w.states,
    };
  });
  expect(total).toBeGreaterThan(100);
  expect(after.seen).toEqual(Array.from({ length: total }, (_, i) => i + 1));
  expect(after.gaps).toEqual([]);
  expect(after.subscribed.length).toBeGreaterThanOrEqual(2);
  expect(after.subscribed.every((recovered, i) => i === 0 || recovered)).toBe(true);
  expect(after.results.filter((r) => !r.ok)).toEqual([]);
  const processed = (await recordLog(request)).filter((e) => e.cid === cid);
  expect(processed.map((e) => (e.data as { freeze: number }).freeze)).toEqual(
    Array.from({ length: 20 }, (_, i) => i),
  );
  test.info().annotations.push({
    type: 'freeze',
    description: `${total} events, ${after.subscribed.length - 1} resubscribes, states: ${after.states
      .map((s) => `${s.to}(${s.reason})`)
      .join(' ')}`,
  });
});
