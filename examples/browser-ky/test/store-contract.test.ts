/**
 * The shared TokenStore contract against `createBrowserStore` in REAL Chromium: the store and
 * its peer live in two tabs of one browser context (real Web Locks, IndexedDB and
 * BroadcastChannel), driven from Node.js through test/support/remoteStore.ts. Runs with Web
 * Locks and with the IndexedDB-lease fallback.
 */
import { join } from 'node:path';
import { describeTokenStoreContract, launchChromium } from '@tokvault/testkit';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildAndServe, exampleDir } from './support/chromium.js';
import { exposeHarnessBindings, remoteStore } from './support/remoteStore.js';

let site: Awaited<ReturnType<typeof buildAndServe>>;
let chromium: Awaited<ReturnType<typeof launchChromium>>;
let context: BrowserContext;
let tabs: Page[];
let namespaces = 0;

beforeAll(async () => {
  [site, chromium] = await Promise.all([buildAndServe(join(exampleDir, 'test/harness')), launchChromium()]);
  context = await chromium.browser.newContext();
  await exposeHarnessBindings(context);
  tabs = await Promise.all([context.newPage(), context.newPage()]);
  await Promise.all(tabs.map((tab) => tab.goto(site.url)));
}, 60_000);

afterAll(async () => {
  await Promise.all([chromium?.close(), site?.close()]);
});

for (const fallback of [false, true]) {
  const coordination = fallback ? 'lease' : 'web-locks';
  describe(`in Chromium (${coordination})`, () => {
    it(`runs with ${coordination} coordination`, async () => {
      const store = await remoteStore(tabs[0]!, { namespace: `probe-${coordination}`, fallback });
      expect(store.coordination).toBe(coordination);
      await store.close();
    });

    describeTokenStoreContract(`browser (Chromium, ${coordination}, two tabs)`, async () => {
      const namespace = `contract-${coordination}-${++namespaces}`;
      const store = await remoteStore(tabs[0]!, { namespace, fallback });
      const peer = await remoteStore(tabs[1]!, { namespace, fallback });
      return {
        store,
        peer: async () => peer,
        cleanup: async () => {
          await Promise.all([store.close(), peer.close()]);
        },
      };
    });
  });
}
