/**
 * The shared store falls behind: `fetchToken` succeeded but the store write (or the lock release)
 * failed. The token, with its rotated refresh token, still reaches the waiters and stays in the
 * vault; `store:error` says so (secret-free); the store catches up later, never over a newer token.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  createMemoryStore,
  createTokenVault,
  type FetchToken,
  type StoredToken,
  type TokenStore,
  type TokenVault,
  TokVaultError,
  type VaultEventMap,
} from '../src/index.js';
import { manualClock } from './helpers.js';

const vaults: TokenVault[] = [];
afterEach(async () => {
  await Promise.all(vaults.splice(0).map((v) => v.close()));
});

/** Our own `TokenStore` port around the memory store, whose `lock.set` fails while `failing`. */
function flakyStore(inner: TokenStore) {
  const state = { failing: true, sets: 0, releaseFails: false };
  const store: TokenStore = {
    get: (key) => inner.get(key),
    delete: (key) => inner.delete(key),
    subscribe: (key, listener) => inner.subscribe!(key, listener),
    async withLock(key, task, options) {
      const result = await inner.withLock(
        key,
        (lock) =>
          task({
            signal: lock.signal,
            async set(token) {
              state.sets += 1;
              if (state.failing) throw new Error(`connection reset while writing ${token.refreshToken}`);
              await lock.set(token);
            },
          }),
        options,
      );
      if (state.releaseFails) throw new Error('lock release failed: connection reset');
      return result;
    },
  };
  return { store, state };
}

/** `fetchToken` answering token-1, token-2, ... with rotated refresh tokens rt-1, rt-2, ... */
function rotatingSource() {
  let n = 0;
  return vi.fn<FetchToken>(async () => {
    n += 1;
    return { accessToken: `token-${n}`, refreshToken: `rt-${n}`, expiresIn: 3_600 };
  });
}

const stored = async (store: TokenStore) => (await store.get('default'))?.accessToken;

/** A vault on `store` whose timers (the catch-up's among them) move only with `clock.advance`. */
function vaultOn(store: TokenStore, fetchToken = rotatingSource()) {
  const clock = manualClock(Date.now());
  const vault = createTokenVault({ fetchToken, store, retry: false, now: clock.now, timers: clock.timers });
  vaults.push(vault);
  const events: Array<VaultEventMap['store:error']> = [];
  vault.on('store:error', (event) => events.push(event));
  return { vault, fetchToken, events, clock };
}

function expectSecretFree(error: unknown, secrets: string[]) {
  const rendered = `${String(error)} ${(error as Error).message} ${JSON.stringify(error)}`;
  for (const secret of secrets) expect(rendered).not.toContain(secret);
}

describe('a store write that fails after fetchToken succeeded', () => {
  it('hands the token to every waiter, keeps it, emits store:error, and writes it once the store works', async () => {
    const inner = createMemoryStore();
    const { store, state } = flakyStore(inner);
    const { vault, events, clock } = vaultOn(store);

    const tokens = await Promise.all([vault.getToken(), vault.getToken(), vault.refresh()]);
    for (const token of tokens) expect(token).toMatchObject({ accessToken: 'token-1', refreshToken: 'rt-1' });
    expect(vault.peek()?.refreshToken).toBe('rt-1');
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ name: 'default', operation: 'set' });
    expect(events[0]?.error).toBeInstanceOf(TokVaultError);
    expectSecretFree(events[0]?.error, ['token-1', 'rt-1']);
    expect(await stored(inner)).toBeUndefined();

    state.failing = false;
    await clock.advance(249);
    expect(await stored(inner)).toBeUndefined();
    await clock.advance(1); // the first catch-up attempt, 250 ms later
    expect(await inner.get('default')).toMatchObject({ refreshToken: 'rt-1' });
  });

  it('keeps retrying (an event per failure) while the store keeps failing', async () => {
    const { store, state } = flakyStore(createMemoryStore());
    const { vault, events, clock } = vaultOn(store);
    await vault.getToken();
    await clock.advance(250 + 500 + 1_000); // attempts with a doubling pause
    expect(events).toHaveLength(4);
    for (const event of events) expect(event.operation).toBe('set');
    expect(state.sets).toBe(events.length);
  });

  it('a later refresh redeems the refresh token the store missed, never the spent one it still holds', async () => {
    const inner = createMemoryStore();
    const { store, state } = flakyStore(inner);
    const { vault, fetchToken } = vaultOn(store);
    state.failing = false;
    await vault.getToken(); // token-1 / rt-1 stored
    state.failing = true;
    await vault.refresh(); // token-2 / rt-2 kept here only; the store still holds token-1 (rt-1 is spent)
    expect(await stored(inner)).toBe('token-1');

    const next = await vault.refresh();
    expect(next.accessToken).toBe('token-3');
    expect(fetchToken.mock.calls[2]?.[0].previous?.refreshToken).toBe('rt-2');
    expect(vault.peek()?.accessToken).toBe('token-3');
  });

  it('catching up never overwrites a newer token another sharer wrote meanwhile', async () => {
    const inner = createMemoryStore();
    const { store, state } = flakyStore(inner);
    const a = vaultOn(store);
    state.failing = false;
    await a.vault.getToken(); // token-1 stored
    state.failing = true;
    await a.vault.refresh(); // a holds token-2; the store is behind
    // Another process writes a newer token (as its own refresh would).
    const newer: StoredToken = {
      accessToken: 'other-9',
      tokenType: 'Bearer',
      expiresAt: Date.now() + 3_600_000,
    };
    await inner.withLock('default', (lock) => lock.set(newer));

    const locked = vi.spyOn(store, 'withLock');
    state.failing = false;
    await a.clock.advance(250); // the first catch-up attempt
    expect(locked).toHaveBeenCalledTimes(1);
    await locked.mock.results[0]?.value;
    expect(await stored(inner)).toBe('other-9');
    expect(state.sets).toBe(2); // token-1, then the failed token-2: no write of token-2 over other-9
  });

  it('a lock release that fails after the token was obtained still resolves the waiters', async () => {
    const inner = createMemoryStore();
    const { store, state } = flakyStore(inner);
    state.failing = false;
    state.releaseFails = true;
    const { vault, events } = vaultOn(store);
    await expect(vault.getToken()).resolves.toMatchObject({ accessToken: 'token-1' });
    expect(vault.peek()?.accessToken).toBe('token-1');
    expect(events).toEqual([expect.objectContaining({ name: 'default', operation: 'release' })]);
    expect(await stored(inner)).toBe('token-1');
  });

  it('invalidate() ends the catch-up: a logged-out token is never written back', async () => {
    const inner = createMemoryStore();
    const { store, state } = flakyStore(inner);
    const { vault, clock } = vaultOn(store);
    await vault.getToken();
    await vault.invalidate();
    state.failing = false;
    const locked = vi.spyOn(store, 'withLock');
    await clock.advance(60_000); // past every catch-up attempt
    expect(clock.pending).toBe(0);
    expect(locked).not.toHaveBeenCalled();
    expect(await stored(inner)).toBeUndefined();
  });

  it('close() stops a catch-up that waits for the lock', async () => {
    const inner = createMemoryStore();
    const { store } = flakyStore(inner);
    const { vault, events, clock } = vaultOn(store);
    await vault.getToken(); // the write fails: a catch-up is scheduled
    let release!: () => void;
    const busy = inner.withLock('default', () => new Promise<void>((resolve) => (release = resolve)));
    const locked = vi.spyOn(store, 'withLock');
    await clock.advance(250);
    expect(locked).toHaveBeenCalledTimes(1);
    const attempt = locked.mock.results[0]?.value as Promise<unknown>;
    await vault.close();
    await expect(attempt).rejects.toBeDefined(); // stopped waiting, although the lock is still busy
    release();
    await busy;
    expect(events).toHaveLength(1);
  });
});
