import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createTokenVault, RefreshTimeoutError, TokenRefreshError, type TokenVault } from '../src/index.js';
import { controlledSource, flush } from './helpers.js';

const vaults: TokenVault[] = [];
beforeEach(() => {
  vi.useFakeTimers({ now: 0 });
});
afterEach(async () => {
  await Promise.all(vaults.splice(0).map((v) => v.close()));
  vi.useRealTimers();
});

describe('refreshTimeoutMs', () => {
  it("rejects every waiter with RefreshTimeoutError and aborts fetchToken's signal", async () => {
    const source = controlledSource();
    const vault = createTokenVault({ fetchToken: source.fetchToken, refreshTimeoutMs: 5_000 });
    vaults.push(vault);
    const errors = vi.fn();
    vault.on('refresh:error', errors);
    const pending = Promise.allSettled([vault.getToken(), vault.getToken()]);
    await vi.advanceTimersByTimeAsync(4_999);
    expect(source.last().context.signal.aborted).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    const results = await pending;
    const reason = results[0]?.status === 'rejected' ? results[0].reason : undefined;
    expect(reason).toBeInstanceOf(RefreshTimeoutError);
    expect(reason).toBeInstanceOf(TokenRefreshError);
    expect((reason as RefreshTimeoutError).message).toBe(
      'Token refresh for vault "default" timed out after 5000 ms',
    );
    expect(results[1]).toEqual({ status: 'rejected', reason });
    expect(source.last().context.signal.aborted).toBe(true);
    expect(source.last().context.signal.reason).toBe(reason);
    expect(errors).toHaveBeenCalledWith({ name: 'default', reason: 'initial', error: reason });
    expect(source.fetchToken).toHaveBeenCalledTimes(1);
    expect(vi.getTimerCount()).toBe(0);

    const next = vault.getToken();
    await flush();
    expect(source.fetchToken).toHaveBeenCalledTimes(2);
    source.last().resolve('after-timeout');
    await expect(next).resolves.toMatchObject({ accessToken: 'after-timeout' });
  });

  it('bounds retries too: a backoff that would pass the deadline fails with the last error', async () => {
    const fetchToken = vi.fn(async () => {
      throw Object.assign(new Error('503'), { retryAfterMs: 4_000 });
    });
    const vault = createTokenVault({ fetchToken, refreshTimeoutMs: 6_000, retry: { retries: 5 } });
    vaults.push(vault);
    const pending = vault.getToken().catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(4_000);
    const error = await pending;
    expect(fetchToken).toHaveBeenCalledTimes(2);
    expect(error).toBeInstanceOf(TokenRefreshError);
    expect(error).not.toBeInstanceOf(RefreshTimeoutError);
    expect((error as TokenRefreshError).retryAfterMs).toBe(4_000);
  });
});
