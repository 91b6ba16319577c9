/**
 * The fallback lock (no Web Locks): a lease in IndexedDB. A dead tab's lease blocks the others
 * only until it runs out; a holder that lost its lease can no longer write.
 */
import { type StoredToken, TokenRefreshError } from '@tokvault/core';
import { afterEach, expect, it } from 'vitest';
import { tabs } from './support.js';

const token: StoredToken = { accessToken: 'a', tokenType: 'Bearer' };
let group: ReturnType<typeof tabs>;

afterEach(() => group.closeAll());

/** Write a lease record directly, as a tab that then died would have left it. */
async function plantLease(factory: IDBFactory, namespace: string, lease: { owner: string; until: number }) {
  const db = await new Promise<IDBDatabase>((resolve, reject) => {
    const request = factory.open(namespace, 1);
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
  await new Promise<void>((resolve, reject) => {
    const tx = db.transaction('leases', 'readwrite');
    tx.objectStore('leases').put(lease, `${namespace}:refresh:k`);
    tx.oncomplete = () => resolve();
    tx.onabort = () => reject(tx.error);
  });
  db.close();
}

it('is used when Web Locks are missing, and reports it', () => {
  group = tabs({ locks: null });
  expect(group.open().coordination).toBe('lease');
  expect(group.open({ locks: undefined }).coordination).toBe('web-locks');
});

it("a dead tab's live lease blocks the lock; an expired one is taken over at once", async () => {
  group = tabs({ locks: null, lockTimeoutMs: 300 });
  const store = group.open();
  await store.get('k'); // creates the database
  await plantLease(group.indexedDB, group.namespace, { owner: 'dead-tab', until: Date.now() + 60_000 });
  await expect(store.withLock('k', async () => 'blocked')).rejects.toMatchObject({ code: 'lock_timeout' });
  await plantLease(group.indexedDB, group.namespace, { owner: 'dead-tab', until: Date.now() - 1 });
  await expect(store.withLock('k', async () => 'taken over')).resolves.toBe('taken over');
});

it('a holder whose lease was taken cannot write (fenced in the write transaction)', async () => {
  group = tabs({ locks: null });
  const store = group.open();
  const error: unknown = await store
    .withLock('k', async (lock) => {
      await plantLease(group.indexedDB, group.namespace, { owner: 'usurper', until: Date.now() + 60_000 });
      await lock.set(token);
    })
    .catch((e: unknown) => e);
  expect(error).toBeInstanceOf(TokenRefreshError);
  expect(error).toMatchObject({ code: 'lock_lost' });
  expect(await store.get('k')).toBeUndefined();
});
