/**
 * The example in real Chromium: three tabs of one browser context share one token, refresh it
 * ONCE between them when it expires (the rotating refresh token is redeemed once: the mock
 * server's reuse detection stays at 0), and sign out together.
 */
import { join } from 'node:path';
import { launchChromium } from '@tokvault/testkit';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { type MockBackend, startMockBackend } from '../mock/backend.js';
import { buildAndServe, exampleDir, resultsDir } from './support/chromium.js';

const WAIT = { timeout: 5_000, interval: 20 } as const;
/** Generous: the 2-core CI machines are shared; on an idle one the whole file takes a few seconds. */
const SLOW = 60_000;

let backend: MockBackend;
let site: Awaited<ReturnType<typeof buildAndServe>>;
let chromium: Awaited<ReturnType<typeof launchChromium>>;
let browser: Browser;
let context: BrowserContext;

beforeAll(async () => {
  backend = await startMockBackend();
  [site, chromium] = await Promise.all([buildAndServe(exampleDir, backend.proxy), launchChromium()]);
  browser = chromium.browser;
}, SLOW);

afterAll(async () => {
  await Promise.all([chromium?.close(), site?.close(), backend?.close()]);
});

afterEach(async () => {
  await context?.close();
  backend.auth.reset();
});

async function openTabs(count: number, query = ''): Promise<Page[]> {
  context = await browser.newContext();
  await context.clock.install(); // runs in real time until a test fast-forwards it
  const tabs = await Promise.all(Array.from({ length: count }, () => context.newPage()));
  await Promise.all(tabs.map((tab) => tab.goto(site.url + query)));
  return tabs;
}

const stats = () => backend.auth.stats;

describe('browser-ky example, 3 tabs of one context', () => {
  it('50 concurrent requests per tab with an expired token make exactly 1 token request, never a reuse (401 storm, then expiry)', {
    timeout: SLOW,
  }, async () => {
    const tabs = await openTabs(3);
    expect(await tabs[0]!.evaluate(() => window.app.state().coordination)).toBe('web-locks');
    await tabs[0]!.evaluate(() => window.app.signIn());
    expect(stats().tokenRequests).toBe(1);

    // The new token reaches the other tabs over BroadcastChannel, without a request of theirs.
    for (const tab of tabs.slice(1)) {
      await vi.waitFor(
        async () => expect(await tab.evaluate(() => window.app.state().signedIn)).toBe(true),
        WAIT,
      );
    }

    backend.auth.expireAll(); // every token the tabs hold is now refused with 401
    const results = await Promise.all(tabs.map((tab) => tab.evaluate(() => window.app.burst(50))));
    expect(results).toEqual([0, 1, 2].map(() => ({ ok: 50, failed: 0 })));
    expect(stats().tokenRequests).toBe(2);
    expect(stats().tokenRequestsByGrant.refresh_token).toBe(2);

    // Expired as the tabs see it (15 min later): each tab refreshes before sending, once in total.
    const refused = stats().rejectedApiRequests;
    await context.clock.fastForward('16:00');
    const later = await Promise.all(tabs.map((tab) => tab.evaluate(() => window.app.burst(50))));
    expect(later).toEqual([0, 1, 2].map(() => ({ ok: 50, failed: 0 })));
    expect(stats().tokenRequests).toBe(3);
    expect(stats().rejectedApiRequests).toBe(refused); // refreshed before sending: no 401 at all
    expect(stats().reuseDetections).toBe(0);
    expect(stats().tokenErrors.invalid_grant).toBe(0);
    expect(stats().rejectedApiRequestsByReason.expired).toBeGreaterThan(0);

    await tabs[1]!.bringToFront();
    await tabs[1]!.screenshot({ path: join(resultsDir, 'browser-ky-tab.png'), fullPage: true });
  });

  it('signing out in one tab signs out the others at once, and clears the IndexedDB copy', {
    timeout: SLOW,
  }, async () => {
    const tabs = await openTabs(3);
    await tabs[0]!.evaluate(() => window.app.signIn());
    await Promise.all(tabs.map((tab) => tab.evaluate(() => window.app.burst(1))));
    for (const tab of tabs) expect(await tab.evaluate(() => window.app.state().signedIn)).toBe(true);

    await tabs[2]!.evaluate(() => window.app.logout());
    for (const tab of tabs) {
      await vi.waitFor(
        async () => expect(await tab.evaluate(() => window.app.state().signedIn)).toBe(false),
        WAIT,
      );
    }
    expect(await tabs[0]!.evaluate(() => window.app.stored())).toBe(false);
    // Nothing left to redeem: a request fails without reaching the token endpoint.
    expect(await tabs[1]!.evaluate(() => window.app.burst(3))).toEqual({ ok: 0, failed: 3 });
    expect(stats().tokenRequests).toBe(1);
  });
});

/** Close a tab the way a user does: `pagehide` runs. */
async function closeTab(tab: Page): Promise<void> {
  const closed = tab.waitForEvent('close');
  await tab.close({ runBeforeUnload: true });
  await closed;
}

/** Count stored tokens from a page of the origin that does NOT run the app (a JSON error page). */
async function storedTokensSeenFromOutside(): Promise<number> {
  const page = await context.newPage();
  await page.goto(`${site.url}oauth/token`);
  const count = await page.evaluate(
    () =>
      new Promise<number>((resolve, reject) => {
        const request = indexedDB.open('browser-ky-example');
        request.onerror = () => reject(request.error);
        request.onsuccess = () => {
          const all = request.result.transaction('tokens').objectStore('tokens').getAll();
          all.onsuccess = () =>
            resolve(all.result.filter((record: { token?: unknown }) => record.token).length);
        };
      }),
  );
  await closeTab(page);
  return count;
}

describe('clearOnLastTabClose (the example with ?clear-on-last-tab)', () => {
  // What is guaranteed, and so asserted: once the last tab has closed, no later tab finds the copy.
  // The last tab's `pagehide` starts the deletion, but a browser tearing the page down under load
  // may drop that write; a tab that starts alone deletes a leftover copy before it reads anything,
  // so the next tab never sees one either way (and the copy is gone from IndexedDB after it starts).
  it('keeps the copy while a tab is open and across a reload; after the last tab closes, the next tab finds none', {
    timeout: SLOW,
  }, async () => {
    const [first, second] = await openTabs(2, '?clear-on-last-tab');
    await first!.evaluate(() => window.app.signIn());
    await closeTab(first!);
    expect(await second!.evaluate(() => window.app.stored())).toBe(true);
    await second!.reload();
    expect(await second!.evaluate(() => window.app.burst(1))).toEqual({ ok: 1, failed: 0 });
    expect(stats().tokenRequests).toBe(1);

    await closeTab(second!); // the last tab
    const later = await context.newPage();
    await later.goto(`${site.url}?clear-on-last-tab`);
    expect(await later.evaluate(() => window.app.stored())).toBe(false);
    expect(await storedTokensSeenFromOutside()).toBe(0);
    expect(await later.evaluate(() => window.app.burst(1))).toEqual({ ok: 0, failed: 1 });
    expect(stats().tokenRequests).toBe(1);
  });

  it('without the option, the copy outlives its tabs and signs the next tab in', {
    timeout: SLOW,
  }, async () => {
    const [only] = await openTabs(1);
    await only!.evaluate(() => window.app.signIn());
    await closeTab(only!);
    expect(await storedTokensSeenFromOutside()).toBe(1);
    const later = await context.newPage();
    await later.goto(site.url);
    expect(await later.evaluate(() => window.app.burst(1))).toEqual({ ok: 1, failed: 0 });
    expect(stats().tokenRequests).toBe(1);
  });
});
