import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  createMemoryStore,
  createTokenVault,
  type StoredToken,
  type TokenStore,
  type TokenVault,
} from '../src/index.js';
import { controlledSource, flush, manualClock } from './helpers.js';

const vaults: TokenVault[] = [];
afterEach(async () => {
  await Promise.all(vaults.splice(0).map((v) => v.close()));
});

describe('injected timers (the `timers` option) drive every wait of the vault', () => {
  it('the keepFresh schedule', async () => {
    const clock = manualClock();
    const source = controlledSource();
    const vault = createTokenVault({
      fetchToken: source.fetchToken,
      keepFresh: true,
      now: clock.now,
      timers: clock.timers,
    });
    vaults.push(vault);
    const first = vault.getToken();
    await flush();
    source.last().resolve({ accessToken: 'token-1', expiresIn: 3_600 });
    await first;
    expect(clock.pending).toBe(1); // the keepFresh timer
    // Nothing else waits: only the injected timer can start the second call.
    for (let second = 0; second < 3_600 && source.fetchToken.mock.calls.length < 2; second++) {
      await clock.advance(1_000);
    }
    expect(source.fetchToken).toHaveBeenCalledTimes(2);
    expect(source.last().context.reason).toBe('keep-fresh');
  });

  it('the retry sleep and the refresh timeout', async () => {
    const clock = manualClock();
    const source = controlledSource();
    const vault = createTokenVault({
      fetchToken: source.fetchToken,
      retry: { retries: 1, baseDelayMs: 500, maxDelayMs: 500 },
      refreshTimeoutMs: 10_000,
      now: clock.now,
      timers: clock.timers,
    });
    vaults.push(vault);
    vi.spyOn(Math, 'random').mockReturnValue(1);
    const pending = vault.getToken();
    void pending.catch(() => {});
    await flush();
    expect(clock.pending).toBe(1); // the refresh timeout
    source.last().reject(Object.assign(new Error('busy'), { retryable: true }));
    await flush();
    expect(clock.pending).toBe(2); // and the retry sleep
    await clock.advance(499);
    expect(source.fetchToken).toHaveBeenCalledTimes(1);
    await clock.advance(1);
    expect(source.fetchToken).toHaveBeenCalledTimes(2);
    await clock.advance(10_000);
    await expect(pending).rejects.toThrow('10000');
    expect(clock.pending).toBe(0);
    vi.restoreAllMocks();
  });

  it('the store catch-up', async () => {
    const clock = manualClock();
    const inner = createMemoryStore();
    let failing = true;
    const store: TokenStore = {
      ...inner,
      withLock: (key, task, options) =>
        inner.withLock(
          key,
          (lock) =>
            task({
              signal: lock.signal,
              set: (token: StoredToken) =>
                failing ? Promise.reject(new Error('store down')) : lock.set(token),
            }),
          options,
        ),
    };
    const source = controlledSource();
    const vault = createTokenVault({
      fetchToken: source.fetchToken,
      store,
      now: clock.now,
      timers: clock.timers,
    });
    vaults.push(vault);
    const first = vault.getToken();
    await flush();
    source.last().resolve({ accessToken: 'token-1', expiresIn: 3_600 });
    await first;
    expect(await inner.get('default')).toBeUndefined();
    failing = false;
    await clock.advance(250); // the first catch-up attempt
    expect((await inner.get('default'))?.accessToken).toBe('token-1');
  });
});
