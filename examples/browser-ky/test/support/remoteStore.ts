/**
 * A `TokenStore` in Node.js whose every operation runs on a real `createBrowserStore` inside a
 * Chromium tab (test/harness): lets the shared contract suite (vitest, Node.js) test the store
 * in the browser, with the store and its peer in two tabs of one context.
 */
import type { StoredToken, TokenStore } from '@tokvault/core';
import type { BrowserContext, Page } from 'playwright-core';

let ids = 0;
const listeners = new Map<number, (token: StoredToken | undefined) => void>();
const lockLost = new Map<number, AbortController>();
/** Subscriptions register asynchronously; every operation waits for them first. */
let registered: Promise<unknown> = Promise.resolve();

/** Route the harness' callbacks (notifications, lost locks) of every page of `context`. */
export async function exposeHarnessBindings(context: BrowserContext): Promise<void> {
  await context.exposeBinding('tokvaultNotify', (_source, id: number, token: StoredToken | null) => {
    listeners.get(id)?.(token ?? undefined);
  });
  await context.exposeBinding('tokvaultLockLost', (_source, id: number) => {
    lockLost.get(id)?.abort(new Error('lock lost'));
  });
}

/** Create a browser store in `page` and return its Node.js proxy. */
export async function remoteStore(
  page: Page,
  options: { namespace: string; fallback: boolean },
): Promise<TokenStore & { coordination: string; close(): Promise<void> }> {
  const id = ++ids;
  const coordination = await page.evaluate(([i, o]) => window.harness.create(i, o), [id, options] as const);
  const call = async <T>(run: () => Promise<T>): Promise<T> => {
    await registered;
    return run();
  };
  return {
    coordination,
    get: (key) => call(() => page.evaluate(([i, k]) => window.harness.get(i, k), [id, key] as const)),
    delete: (key) => call(() => page.evaluate(([i, k]) => window.harness.delete(i, k), [id, key] as const)),
    async withLock(key, task, { signal } = {}) {
      signal?.throwIfAborted();
      const lockId = ++ids;
      const lost = new AbortController();
      lockLost.set(lockId, lost);
      const acquired = call(() =>
        page.evaluate(([i, k, l]) => window.harness.acquire(i, k, l), [id, key, lockId] as const),
      );
      try {
        await new Promise<void>((resolve, reject) => {
          const onAbort = () => {
            void page.evaluate((l) => window.harness.abort(l), lockId);
            reject(signal?.reason);
          };
          signal?.addEventListener('abort', onAbort, { once: true });
          acquired.then(resolve, reject).finally(() => signal?.removeEventListener('abort', onAbort));
        });
      } catch (error) {
        // If the page got the lock anyway (the abort raced the grant), give it back.
        acquired.then(() => page.evaluate((l) => window.harness.release(l), lockId)).catch(() => undefined);
        lockLost.delete(lockId);
        throw error;
      }
      try {
        return await task({
          signal: lost.signal,
          set: (token) => page.evaluate(([l, t]) => window.harness.set(l, t), [lockId, token] as const),
        });
      } finally {
        await page.evaluate((l) => window.harness.release(l), lockId);
        lockLost.delete(lockId);
      }
    },
    subscribe(key, listener) {
      const subscription = ++ids;
      listeners.set(subscription, listener);
      registered = Promise.all([
        registered,
        page.evaluate(([i, k, s]) => window.harness.subscribe(i, k, s), [id, key, subscription] as const),
      ]);
      return () => {
        listeners.delete(subscription);
        void page.evaluate((s) => window.harness.unsubscribe(s), subscription).catch(() => undefined);
      };
    },
    close: () => page.evaluate((i) => window.harness.close(i), id),
  };
}
