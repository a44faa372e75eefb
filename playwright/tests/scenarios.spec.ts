/**
 * The same scenarios against both builds a browser can load: the min UMD bundle by <script> tag
 * and the ESM build by `import` (issue 6). Each runs in real Chromium against the test server.
 */
import { expect, test } from '@playwright/test';
import {
  BUILDS,
  HEARTBEAT,
  createClient,
  fault,
  openPage,
  recordLog,
  waitOpen,
  type TestWindow,
} from './helpers.js';

for (const build of BUILDS) {
  test.describe(`${build} build`, () => {
    test.beforeEach(async ({ page, request }) => {
      await fault(request, 'clear');
      await openPage(page, build);
    });

    test.afterEach(async ({ page }) => {
      await page
        .evaluate(() => (window as unknown as TestWindow).client?.close())
        .catch(() => undefined);
    });

    test('connects, sends with a receipt, requests, and moves binary both ways', async ({
      page,
    }) => {
      await createClient(page);
      await waitOpen(page);
      const result = await page.evaluate(async () => {
        const c = (window as unknown as TestWindow).client;
        const receipt = await c.send('echo', { text: 'hi' });
        const sum = await c.request('math.add', { a: 1, b: 2 });
        const bytes = new Uint8Array([0, 1, 2, 253, 254, 255]);
        const echoed = await c.request('echo', bytes);
        return {
          receipt: receipt === undefined ? null : receipt,
          sum,
          echoedIsBytes: echoed instanceof Uint8Array,
          echoed: Array.from(echoed as Uint8Array),
        };
      });
      expect(result.sum).toBe(3);
      expect(result.echoedIsBytes).toBe(true);
      expect(result.echoed).toEqual([0, 1, 2, 253, 254, 255]);
    });

    test('subscribes, receives, and unsubscribes', async ({ page }) => {
      await createClient(page);
      await waitOpen(page);
      const got = await page.evaluate(async () => {
        const c = (window as unknown as TestWindow).client;
        const seen: unknown[] = [];
        const sub = c.subscribe('e2e:topic', (data: unknown) => seen.push(data));
        await new Promise<void>((resolve) => sub.on('subscribed', () => resolve()));
        await c.publish('e2e:topic', { n: 1 });
        await c.publish('e2e:topic', { n: 2 });
        const deadline = Date.now() + 5000;
        while (seen.length < 2 && Date.now() < deadline)
          await new Promise((r) => setTimeout(r, 20));
        sub.unsubscribe();
        await c.publish('e2e:topic', { n: 3 });
        await new Promise((r) => setTimeout(r, 300));
        return seen;
      });
      expect(got).toEqual([{ n: 1 }, { n: 2 }]);
    });

    test('recovers what was published while the server dropped every connection', async ({
      page,
      request,
    }) => {
      await createClient(page);
      await waitOpen(page);
      await page.evaluate(async () => {
        const w = window as unknown as TestWindow;
        w.seen = [];
        w.subscribed = [];
        const sub = w.client.subscribe('e2e:drop', (data) =>
          w.seen.push((data as { n: number }).n),
        );
        sub.on('subscribed', (e: { recovered: boolean }) => w.subscribed.push(e.recovered));
        await new Promise<void>((resolve) => sub.on('subscribed', () => resolve()));
      });
      for (let n = 1; n <= 10; n++) {
        await fault(request, 'publish', { topic: 'e2e:drop', data: { n } });
      }
      await fault(request, 'dropAll');
      for (let n = 11; n <= 20; n++) {
        await fault(request, 'publish', { topic: 'e2e:drop', data: { n } });
      }
      await page.waitForFunction(
        () => (window as unknown as TestWindow).seen.length >= 20,
        undefined,
        {
          timeout: 15_000,
        },
      );
      await page.waitForTimeout(300);
      const { seen, subscribed } = await page.evaluate(() => ({
        seen: (window as unknown as TestWindow).seen,
        subscribed: (window as unknown as TestWindow).subscribed,
      }));
      expect(seen).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
      expect(subscribed.length).toBeGreaterThanOrEqual(2);
      expect(subscribed.at(-1)).toBe(true);
    });

    test('queues sends while the browser is offline and delivers each once after', async ({
      page,
      context,
      request,
    }) => {
      await createClient(page);
      await waitOpen(page);
      await context.setOffline(true);
      await fault(request, 'dropAll');
      await page.evaluate(() => {
        const w = window as unknown as TestWindow;
        w.results = [];
        w.pending = Array.from({ length: 20 }, (_, i) =>
          w.client.send('record', { n: i + 1 }).then(
            () => w.results.push({ n: i + 1, ok: true }),
            (e: { code: string }) => w.results.push({ n: i + 1, ok: false, code: e.code }),
          ),
        );
      });
      await page.waitForTimeout(1000);
      const queued = await page.evaluate(
        () => (window as unknown as TestWindow).client.stats().queued,
      );
      expect(queued).toBeGreaterThan(0);
      await context.setOffline(false);
      await page.waitForFunction(
        () => (window as unknown as TestWindow).results.length === 20,
        undefined,
        {
          timeout: 20_000,
        },
      );
      const results = await page.evaluate(() => (window as unknown as TestWindow).results);
      expect(results.every((r: { ok: boolean }) => r.ok)).toBe(true);
      const log = (await recordLog(request)).map((e) => (e.data as { n: number }).n);
      expect(log).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    });

    test('detects a stalled (half-open) link within interval + timeout and reconnects', async ({
      page,
      request,
    }) => {
      await createClient(page);
      await waitOpen(page);
      const stalledAt = await page.evaluate(() => performance.now());
      await fault(request, 'stall');
      await page.waitForFunction(
        () =>
          (window as unknown as TestWindow).states.some(
            (s: { to: string }) => s.to === 'reconnecting',
          ),
        undefined,
        { timeout: 10_000 },
      );
      const detectedAt = await page.evaluate(
        () =>
          (window as unknown as TestWindow).states.find((s) => s.to === 'reconnecting')?.at ??
          Infinity,
      );
      // interval + timeout, plus slack for the control request and a busy CI machine.
      expect(detectedAt - stalledAt).toBeLessThan(HEARTBEAT.interval + HEARTBEAT.timeout + 1500);
      await waitOpen(page);
      expect(
        await page.evaluate(() =>
          (window as unknown as TestWindow).client.request('math.add', { a: 2, b: 2 }),
        ),
      ).toBe(4);
    });

    test('shows the fatal state when the server refuses auth, with no retry storm', async ({
      page,
      request,
    }) => {
      await fault(request, 'rejectAuth', { on: true });
      try {
        await createClient(page, { auth: 'expired-token' });
        await page.waitForFunction(
          () => (window as unknown as TestWindow).client.state === 'closed',
          undefined,
          {
            timeout: 10_000,
          },
        );
        await page.waitForTimeout(2000);
        const { states, errors } = await page.evaluate(() => ({
          states: (window as unknown as TestWindow).states,
          errors: (window as unknown as TestWindow).errors,
        }));
        expect(states.filter((s) => s.to === 'connecting').length).toBe(1);
        expect(states.at(-1)?.to).toBe('closed');
        expect(states.at(-1)?.reason).toMatch(/auth/i);
        expect(errors.map((e) => e.code)).toContain('AUTH_REJECTED');
      } finally {
        await fault(request, 'rejectAuth', { on: false });
      }
    });
  });
}
