/**
 * Shared steps of the end-to-end scenarios: open a test page, create a client in it, drive the
 * test server's faults over its HTTP control endpoint.
 */
import { expect, type APIRequestContext, type Page } from '@playwright/test';
import type * as AckwireLib from '@ackwire/client';

/** A state change as the page records it, with the page time it happened at. */
export interface RecordedState {
  from: string;
  to: string;
  reason: string;
  at: number;
}

/**
 * What the test pages and {@link createClient} put on `window` (the library, the client, what
 * it recorded), plus the scratch fields scenarios keep there.
 */
export interface TestWindow {
  lib: typeof AckwireLib;
  libReady?: boolean;
  client: AckwireLib.AckwireClient;
  states: RecordedState[];
  messages: unknown[];
  errors: { code: string; message: string }[];
  seen: number[];
  subscribed: boolean[];
  results: { n: number; ok: boolean; code?: string }[];
  pending: Promise<unknown>[];
}

export const BUILDS = ['umd', 'esm'] as const;
export type Build = (typeof BUILDS)[number];

/** Heartbeat settings the Playwright config starts the test server with. */
export const HEARTBEAT = { interval: 1000, timeout: 1000 };

/** Triggers one of the test server's faults (POST /control/<name>). */
export async function fault(request: APIRequestContext, name: string, body: object = {}) {
  const res = await request.post(`/control/${name}`, { data: body });
  expect(res.ok(), `control ${name}: ${res.status()} ${await res.text()}`).toBe(true);
  return res.json().catch(() => ({}));
}

/** The `record` handler's log: one entry per processed message. */
export async function recordLog(request: APIRequestContext) {
  const res = await request.get('/control/log');
  return ((await res.json()) as { log: { cid: string; id: number; data: unknown }[] }).log;
}

/** Opens the page of a build and waits until the library is loaded. */
export async function openPage(page: Page, build: Build) {
  await page.goto(`/${build}.html`);
  await page.waitForFunction(() => (window as unknown as TestWindow).libReady === true);
}

/**
 * Creates `window.client` with the page-relative URL `/rt` (resolved against the page, as apps
 * do), recording every state change in `window.states` and every pushed message in
 * `window.messages`.
 */
export async function createClient(page: Page, options: Record<string, unknown> = {}) {
  await page.evaluate((opts) => {
    const w = window as unknown as TestWindow;
    w.states = [];
    w.messages = [];
    w.errors = [];
    w.client = new w.lib.AckwireClient('/rt', opts);
    w.client.on('state', (e) => w.states.push({ ...e, at: performance.now() }));
    w.client.on('message', (m) => w.messages.push(m));
    w.client.on('error', (e) => w.errors.push({ code: e.code, message: e.message }));
  }, options);
}

/** Waits until the page's client is open. */
export async function waitOpen(page: Page) {
  await page.waitForFunction(() => (window as unknown as TestWindow).client.state === 'open');
}
