import { getEventListeners } from 'node:events';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createMemoryStore, createTokenVault, type FetchToken, type TokenStore } from '../src/index.js';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

const CYCLES = 100_000;

describe("the Node seed's leak: 100,000 refresh cycles", () => {
  it.each([
    ['the default store', undefined, CYCLES],
    ['a shared memory store (lock path)', createMemoryStore(), CYCLES / 10],
  ] as Array<[string, TokenStore | undefined, number]>)(
    'leave no growth in abort listeners on a reused signal, vault listeners or timers (%s)',
    async (_label, store, cycles) => {
      let n = 0;
      const fetchToken = vi.fn<FetchToken>(async () => ({ accessToken: `token-${++n}`, expiresIn: 3600 }));
      const vault = createTokenVault({ fetchToken, keepFresh: true, store });
      const controller = new AbortController();
      const { signal } = controller;
      const onSuccess = vi.fn();
      vault.on('refresh:success', onSuccess);
      await vault.getToken({ signal });
      const listeners = getEventListeners(signal, 'abort').length;
      const timers = vi.getTimerCount();
      expect(timers).toBe(1); // the keepFresh timer

      for (let i = 0; i < cycles; i++) await vault.refresh({ signal });
      await vault.getToken({ signal });

      expect(fetchToken).toHaveBeenCalledTimes(cycles + 1);
      expect(onSuccess).toHaveBeenCalledTimes(cycles + 1);
      expect(getEventListeners(signal, 'abort')).toHaveLength(listeners);
      expect(listeners).toBe(0);
      expect(vi.getTimerCount()).toBe(timers);
      await vault.close();
      expect(vi.getTimerCount()).toBe(0);
    },
  );
});
