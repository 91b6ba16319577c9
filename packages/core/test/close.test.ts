import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createMemoryStore, createTokenVault, type FetchToken, VaultClosedError } from '../src/index.js';
import { flush } from './helpers.js';

beforeEach(() => {
  vi.useFakeTimers({ now: 0 });
});
afterEach(() => {
  vi.useRealTimers();
});

describe('close()', () => {
  it('rejects pending callers with VaultClosedError, resolves without waiting for a hung fetchToken, clears timers', async () => {
    const signals: AbortSignal[] = [];
    let calls = 0;
    const fetchToken = vi.fn<FetchToken>(({ signal }) => {
      calls += 1;
      signals.push(signal);
      // The first call answers; the second hangs forever and ignores its signal.
      return calls === 1 ? Promise.resolve({ accessToken: 'A', expiresIn: 100 }) : new Promise(() => {});
    });
    const vault = createTokenVault({ fetchToken, keepFresh: true });
    const errors = vi.fn();
    vault.on('refresh:error', errors);
    await vault.getToken();
    expect(vi.getTimerCount()).toBe(1); // keepFresh

    const pending = Promise.allSettled([
      vault.refresh(),
      vault.refresh(),
      vault.getToken({ minValidityMs: 200_000 }),
    ]);
    await flush();
    expect(fetchToken).toHaveBeenCalledTimes(2);
    expect(vi.getTimerCount()).toBe(2); // keepFresh + refresh timeout

    await vault.close();
    expect(vi.getTimerCount()).toBe(0);
    const results = await pending;
    for (const result of results) {
      expect(result.status).toBe('rejected');
      expect(result.status === 'rejected' && result.reason).toBeInstanceOf(VaultClosedError);
    }
    expect(signals[1]?.aborted).toBe(true);
    expect(signals[1]?.reason).toBeInstanceOf(VaultClosedError);
    expect(errors).not.toHaveBeenCalled();
    expect(vault.peek()).toBeUndefined();

    await expect(vault.getToken()).rejects.toBeInstanceOf(VaultClosedError);
    await expect(vault.refresh()).rejects.toThrow('Token vault "default" is closed');
    await expect(vault.invalidate()).rejects.toBeInstanceOf(VaultClosedError);
    await expect(vault.close()).resolves.toBeUndefined(); // idempotent
    expect(vi.getTimerCount()).toBe(0);
  });

  it('Symbol.asyncDispose closes the vault', async () => {
    const vault = createTokenVault({ fetchToken: async () => 'x' });
    await vault[Symbol.asyncDispose]();
    await expect(vault.getToken()).rejects.toBeInstanceOf(VaultClosedError);
  });

  it('a caller waiting for a store lock held elsewhere is released by close()', async () => {
    const store = createMemoryStore();
    let release!: () => void;
    const holder = store.withLock('default', () => new Promise<void>((resolve) => (release = resolve)));
    const fetchToken = vi.fn(async () => 'never-called');
    const vault = createTokenVault({ fetchToken, store });
    const pending = vault.getToken();
    await flush();
    await vault.close();
    await expect(pending).rejects.toBeInstanceOf(VaultClosedError);
    release();
    await holder;
    await flush();
    expect(fetchToken).not.toHaveBeenCalled();
    await expect(store.withLock('default', async () => 'free')).resolves.toBe('free');
  });
});
