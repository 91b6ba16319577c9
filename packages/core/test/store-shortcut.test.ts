/**
 * The vault hands `store.withLock` a `shortcut` (issue 19, fleet wait): while it waits for the
 * lock, a store can end the wait with the token another sharer just wrote instead of running
 * the vault's task (lock, re-read, fetch) once per waiter.
 */
import { afterEach, expect, it, vi } from 'vitest';
import { createMemoryStore, createTokenVault, type TokenStore, type TokenVault } from '../src/index.js';
import { controlledSource, flush } from './helpers.js';

const vaults: TokenVault[] = [];
afterEach(async () => {
  await Promise.all(vaults.splice(0).map((v) => v.close()));
});

const put = (store: TokenStore, accessToken: string) =>
  store.withLock('default', (lock) =>
    lock.set({ accessToken, tokenType: 'Bearer', expiresAt: Date.now() + 3_600_000 }),
  );

it('a waiting refresh ends with the token another sharer wrote, through the shortcut, without running its task', async () => {
  const memory = createMemoryStore();
  await put(memory, 'replaced');
  let written!: () => void;
  const otherSharerWrote = new Promise<void>((resolve) => {
    written = resolve;
  });
  const asked: unknown[] = [];
  const task = vi.fn();
  // A store whose lock is held by another sharer until it has written: it asks the shortcut
  // before and after that write, as the Redis store does on each wake-up.
  const store: TokenStore = {
    get: memory.get,
    delete: memory.delete,
    async withLock(key, run, options) {
      asked.push(await options?.shortcut?.());
      await otherSharerWrote;
      const shared = await options?.shortcut?.();
      asked.push(shared);
      if (shared !== undefined) return shared;
      return memory.withLock(
        key,
        (lock) => {
          task();
          return run(lock);
        },
        options,
      );
    },
  };
  const source = controlledSource();
  const vault = createTokenVault({ fetchToken: source.fetchToken, store, retry: false });
  vaults.push(vault);
  expect((await vault.getToken()).accessToken).toBe('replaced');

  const refreshed = vault.refresh({ staleToken: vault.peek() });
  await flush();
  expect(asked).toEqual([undefined]); // the token being replaced is no shortcut
  await put(memory, 'written-by-another-sharer');
  written();
  await expect(refreshed).resolves.toMatchObject({ accessToken: 'written-by-another-sharer' });
  expect(asked).toHaveLength(2);
  expect(task).not.toHaveBeenCalled();
  expect(source.fetchToken).not.toHaveBeenCalled();
});
