/**
 * Lock waits are bounded and never strand anyone: a timeout fails the waiter with a typed,
 * retryable error; an aborted waiter leaves the queue; a holder whose caller gave up releases
 * the lock even if its task hangs. Both lock flavours.
 */
import { TokenRefreshError, type TokenStore } from '@tokvault/core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { tabs } from './support.js';

const never = () => new Promise<never>(() => {});
let group: ReturnType<typeof tabs>;

/** Web Locks wait without timers of their own: fake the clock and check the exact bound. */
async function waitWithFakeClock(store: TokenStore): Promise<unknown> {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
  let settled = false;
  const waiting = store.withLock('k', async () => 'never').catch((e: unknown) => e);
  void waiting.then(() => {
    settled = true;
  });
  await vi.advanceTimersByTimeAsync(4_999);
  expect(settled).toBe(false);
  await vi.advanceTimersByTimeAsync(1);
  vi.useRealTimers();
  return waiting;
}

/** The lease fallback polls IndexedDB (whose Node engine runs on timers): real time, short bound. */
function waitFallback(store: TokenStore): Promise<unknown> {
  return store.withLock('k', async () => 'never').catch((e: unknown) => e);
}

afterEach(() => {
  vi.useRealTimers();
  group.closeAll();
});

for (const fallback of [false, true]) {
  describe(fallback ? 'IndexedDB lease fallback' : 'Web Locks', () => {
    const open = (lockTimeoutMs = 10_000) => {
      group ??= tabs();
      return group.open({ lockTimeoutMs, ...(fallback ? { locks: null } : {}) });
    };

    it('a wait longer than lockTimeoutMs rejects with a retryable lock_timeout error, not naming a secret', async () => {
      group = tabs();
      const holderTab = open();
      const waiterTab = open(fallback ? 50 : 5_000);
      let release!: () => void;
      const holder = holderTab.withLock('k', async (lock) => {
        await new Promise<void>((resolve) => {
          release = resolve;
        });
        await lock.set({ accessToken: 'secret-access', tokenType: 'Bearer', refreshToken: 'secret-refresh' });
        return 'holder';
      });
      await expect.poll(() => release).toBeDefined();
      const error = fallback ? await waitFallback(waiterTab) : await waitWithFakeClock(waiterTab);
      expect(error).toBeInstanceOf(TokenRefreshError);
      expect(error).toMatchObject({ code: 'lock_timeout', retryable: true });
      expect(String((error as Error).message)).toContain('"k"');
      release();
      await expect(holder).resolves.toBe('holder');
      expect((await waiterTab.get('k'))?.accessToken).toBe('secret-access');
      await expect(waiterTab.withLock('k', async () => 'free again')).resolves.toBe('free again');
    });

    it('a holder whose caller aborts releases the lock at once, even if its task hangs, and cannot write later', async () => {
      group = tabs();
      const a = open();
      const b = open();
      const controller = new AbortController();
      let staleSet: ((token: { accessToken: string; tokenType: string }) => Promise<void>) | undefined;
      const hung = a.withLock(
        'k',
        async (lock) => {
          staleSet = lock.set.bind(lock);
          return never();
        },
        { signal: controller.signal },
      );
      await expect.poll(() => staleSet).toBeDefined();
      const reason = new Error('refresh timed out');
      controller.abort(reason);
      await expect(hung).rejects.toBe(reason);
      await expect(b.withLock('k', async () => 'next')).resolves.toBe('next');
      await expect(staleSet?.({ accessToken: 'late', tokenType: 'Bearer' })).rejects.toThrow(
        TokenRefreshError,
      );
      expect(await b.get('k')).toBeUndefined();
    });
  });
}
