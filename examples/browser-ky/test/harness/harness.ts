/**
 * Page side of the remote store: real `createBrowserStore` instances in this tab, driven by
 * test/support/remoteStore.ts through `page.evaluate`. A lock stays held until Node.js says
 * `release`, so the contract's tasks (which run in Node.js) run while this tab holds the lock.
 */

import { type BrowserStoreOptions, type BrowserTokenStore, createBrowserStore } from '@tokvault/browser';
import type { StoredToken, TokenStoreLock } from '@tokvault/core';

interface Held {
  lock?: TokenStoreLock;
  release?: () => void;
  waiting: AbortController;
  settled: Promise<unknown>;
}

const stores = new Map<number, BrowserTokenStore>();
const locks = new Map<number, Held>();
const unsubscribes = new Map<number, () => void>();
const abortedEarly = new Set<number>();

const storeOf = (id: number) => stores.get(id) ?? Promise.reject(new Error(`no store ${id}`));

const harness = {
  create(id: number, options: { namespace: string; fallback: boolean }): string {
    const extra: BrowserStoreOptions = options.fallback ? { locks: null } : {};
    const store = createBrowserStore({ namespace: options.namespace, ...extra });
    stores.set(id, store);
    return store.coordination;
  },
  get: async (id: number, key: string) => (await storeOf(id)).get(key),
  delete: async (id: number, key: string) => (await storeOf(id)).delete(key),
  /** Resolves once the lock is held; rejects with the store's error if the wait ends first. */
  async acquire(id: number, key: string, lockId: number): Promise<void> {
    const store = await storeOf(id);
    const waiting = new AbortController();
    if (abortedEarly.delete(lockId)) waiting.abort();
    await new Promise<void>((granted, failed) => {
      const held: Held = { waiting, settled: Promise.resolve() };
      locks.set(lockId, held);
      held.settled = store.withLock(
        key,
        (lock) => {
          held.lock = lock;
          lock.signal.addEventListener('abort', () => void window.tokvaultLockLost(lockId));
          granted();
          return new Promise<void>((release) => {
            held.release = release;
          });
        },
        { signal: waiting.signal },
      );
      held.settled.catch((error: unknown) => failed(error));
    });
  },
  abort(lockId: number): void {
    const held = locks.get(lockId);
    if (held) held.waiting.abort();
    else abortedEarly.add(lockId);
  },
  async release(lockId: number): Promise<void> {
    const held = locks.get(lockId);
    held?.release?.();
    await held?.settled.catch(() => undefined);
  },
  async set(lockId: number, token: StoredToken): Promise<void> {
    const lock = locks.get(lockId)?.lock;
    if (!lock) throw new Error(`lock ${lockId} was never granted`);
    await lock.set(token);
  },
  subscribe(id: number, key: string, subscriptionId: number): void {
    const store = stores.get(id);
    const stop = store?.subscribe(key, (token) => void window.tokvaultNotify(subscriptionId, token ?? null));
    if (stop) unsubscribes.set(subscriptionId, stop);
  },
  unsubscribe(subscriptionId: number): void {
    unsubscribes.get(subscriptionId)?.();
    unsubscribes.delete(subscriptionId);
  },
  close(id: number): void {
    stores.get(id)?.close();
    stores.delete(id);
  },
};

declare global {
  interface Window {
    harness: typeof harness;
    tokvaultNotify(subscriptionId: number, token: StoredToken | null): Promise<void>;
    tokvaultLockLost(lockId: number): Promise<void>;
  }
}
window.harness = harness;
