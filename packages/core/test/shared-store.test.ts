import { afterEach, describe, expect, it, vi } from 'vitest';
import { createMemoryStore, createTokenVault, type TokenStore, type TokenVault } from '../src/index.js';
import { controlledSource, flush } from './helpers.js';

const vaults: TokenVault[] = [];
afterEach(async () => {
  await Promise.all(vaults.splice(0).map((v) => v.close()));
});

/** The memory store seen by a sharer that is never notified (as with a store without subscribe). */
function withoutSubscribe(store: TokenStore): TokenStore {
  return { get: store.get, withLock: store.withLock, delete: store.delete };
}

function vaultOn(store: TokenStore) {
  const source = controlledSource();
  const vault = createTokenVault({ fetchToken: source.fetchToken, store, retry: false });
  vaults.push(vault);
  return { source, vault };
}

const put = (store: TokenStore, accessToken: string, expiresAt?: number) =>
  store.withLock('default', (lock) => lock.set({ accessToken, tokenType: 'Bearer', expiresAt }));

describe('vault on a shared store', () => {
  it('adopts a usable stored token without calling fetchToken', async () => {
    const store = createMemoryStore();
    await put(store, 'from-another-process', Date.now() + 3_600_000);
    const { source, vault } = vaultOn(store);
    await expect(vault.getToken()).resolves.toMatchObject({ accessToken: 'from-another-process' });
    expect(source.fetchToken).not.toHaveBeenCalled();
  });

  it('ignores an expired stored token and writes the fresh one', async () => {
    const store = createMemoryStore();
    await put(store, 'long-expired', Date.now() - 1);
    const { source, vault } = vaultOn(store);
    const pending = vault.getToken();
    await flush();
    expect(source.fetchToken).toHaveBeenCalledTimes(1);
    source.last().resolve({ accessToken: 'fresh', expiresIn: 60 });
    await expect(pending).resolves.toMatchObject({ accessToken: 'fresh' });
    expect((await store.get('default'))?.accessToken).toBe('fresh');
  });

  it('a stale 401 adopts a newer token another process already stored, without fetching', async () => {
    const store = createMemoryStore();
    const { source, vault } = vaultOn(withoutSubscribe(store));
    const first = vault.getToken();
    await flush();
    source.last().resolve({ accessToken: 'A', expiresIn: 3600 });
    await first;
    await put(store, 'B', Date.now() + 3_600_000); // another process refreshed; we were not told
    await expect(vault.refresh({ staleToken: 'A' })).resolves.toMatchObject({ accessToken: 'B' });
    expect(source.fetchToken).toHaveBeenCalledTimes(1);
    // ...but a forced refresh never re-adopts the very token it was told is stale.
    const forced = vault.refresh({ staleToken: 'B' });
    await flush();
    expect(source.fetchToken).toHaveBeenCalledTimes(2);
    source.last().resolve({ accessToken: 'C', expiresIn: 3600 });
    await expect(forced).resolves.toMatchObject({ accessToken: 'C' });
  });

  it('invalidate() during a refresh: the waiters get the token, but neither the vault nor the store keeps it', async () => {
    const store = createMemoryStore();
    const { source, vault } = vaultOn(store);
    const pending = vault.getToken();
    await flush();
    await vault.invalidate();
    source.last().resolve({ accessToken: 'in-flight', expiresIn: 60 });
    await expect(pending).resolves.toMatchObject({ accessToken: 'in-flight' });
    expect(vault.peek()).toBeUndefined();
    expect(await store.get('default')).toBeUndefined();
  });

  it("a vault ignores the store's echo of its own write: the last setTokens wins; a peer hears every write", async () => {
    const store = createMemoryStore();
    const { vault: writer } = vaultOn(store);
    const { vault: peer } = vaultOn(store);
    const seen: string[] = [];
    store.subscribe?.('default', (stored) =>
      seen.push(`${stored?.accessToken}, writer holds ${writer.peek()?.accessToken}`),
    );
    const first = writer.setTokens({ accessToken: 'first', expiresIn: 3600 });
    const second = writer.setTokens({ accessToken: 'second', expiresIn: 3600 });
    await Promise.all([first, second]);
    // The write of 'first' lands after 'second' was set: the writer never goes back to 'first'.
    expect(seen).toEqual(['first, writer holds second', 'second, writer holds second']);
    expect(peer.peek()?.accessToken).toBe('second');
  });

  it("a refresh's own store write is not adopted as a notification: the token lands with the refresh", async () => {
    const store = createMemoryStore();
    const { source, vault: writer } = vaultOn(store);
    const { vault: peer } = vaultOn(store);
    const seen: Array<string | undefined> = [];
    store.subscribe?.('default', () => seen.push(writer.peek()?.accessToken));
    const pending = writer.getToken();
    await flush();
    source.last().resolve({ accessToken: 'token-1', expiresIn: 3600 });
    await expect(pending).resolves.toMatchObject({ accessToken: 'token-1' });
    expect(seen).toEqual([undefined]);
    expect(writer.peek()?.accessToken).toBe('token-1');
    expect(peer.peek()?.accessToken).toBe('token-1');
  });

  it('a notification of the token it already holds keeps the same Token object', async () => {
    const store = createMemoryStore();
    const { source, vault } = vaultOn(store);
    const first = vault.getToken();
    await flush();
    source.last().resolve({ accessToken: 'A', expiresIn: 60, raw: { scope: 'read' } });
    const token = await first;
    await put(store, 'A', token.expiresAt);
    expect(vault.peek()).toBe(token);
    expect(vault.peek()?.raw).toEqual({ scope: 'read' });
  });

  it("a reader times a shared token from its writer's send time, so both see the same window and margin", async () => {
    vi.useFakeTimers({ now: 0 });
    try {
      const store = createMemoryStore();
      const writer = vaultOn(store);
      const first = writer.vault.getToken();
      await flush();
      writer.source.last().resolve({ accessToken: 'A', expiresIn: 60 }); // soft at 45 s, hard at 54 s
      await first;
      expect((await store.get('default'))?.obtainedAt).toBe(0);

      vi.setSystemTime(50_000);
      const reader = vaultOn(withoutSubscribe(store));
      await expect(reader.vault.getToken()).resolves.toMatchObject({ accessToken: 'A' });
      await expect(reader.vault.getToken()).resolves.toMatchObject({ accessToken: 'A' });
      expect(reader.source.last().context.reason).toBe('background'); // 50 s is inside the soft window
      vi.setSystemTime(54_000);
      expect(reader.vault.peek()).toBeUndefined(); // and 54 s inside the hard margin
      reader.source.last().resolve({ accessToken: 'B', expiresIn: 60 });
      await flush();
    } finally {
      vi.useRealTimers();
    }
  });

  it("a send time in the reader's future (clock skew between hosts) counts from the read instead", async () => {
    const store = createMemoryStore();
    const future = Date.now() + 3_600_000;
    await store.withLock('default', (lock) =>
      lock.set({
        accessToken: 'skewed',
        tokenType: 'Bearer',
        expiresAt: future + 60_000,
        obtainedAt: future,
      }),
    );
    const { source, vault } = vaultOn(store);
    await expect(vault.getToken()).resolves.toMatchObject({ accessToken: 'skewed' });
    expect(source.fetchToken).not.toHaveBeenCalled();
  });

  it('notifications delivered late, after close(), are ignored', async () => {
    const store = createMemoryStore();
    const late: Array<(token: unknown) => void> = [];
    const lagging: TokenStore = {
      ...withoutSubscribe(store),
      subscribe(_key, listener) {
        late.push(listener as (token: unknown) => void);
        return () => {}; // unsubscribing does not stop what is already on its way
      },
    };
    const { vault } = vaultOn(lagging);
    const cleared = vi.fn();
    vault.on('token:cleared', cleared);
    await vault.close();
    for (const listener of late) {
      listener(undefined);
      listener({ accessToken: 'late', tokenType: 'Bearer' });
    }
    expect(vault.peek()).toBeUndefined();
    expect(cleared).not.toHaveBeenCalled();
  });
});
