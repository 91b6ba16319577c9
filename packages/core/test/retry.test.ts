import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  createTokenVault,
  type FetchToken,
  type RetryOptions,
  TokenRefreshError,
  type TokenVault,
} from '../src/index.js';

const vaults: TokenVault[] = [];
beforeEach(() => {
  vi.useFakeTimers({ now: 0 });
});
afterEach(async () => {
  await Promise.all(vaults.splice(0).map((v) => v.close()));
  vi.restoreAllMocks();
  vi.useRealTimers();
});

/** A source failing with `error()` for the first `failures` calls, then answering. */
function flaky(failures: number, error: () => unknown = () => new Error('503')) {
  const times: number[] = [];
  const fetchToken = vi.fn<FetchToken>(async () => {
    times.push(Date.now());
    if (times.length <= failures) throw error();
    return { accessToken: `token-${times.length}`, expiresIn: 3600 };
  });
  return { fetchToken, times };
}

function vaultWith(fetchToken: FetchToken, retry?: RetryOptions | false) {
  const vault = createTokenVault({ fetchToken, retry, refreshTimeoutMs: 600_000 });
  vaults.push(vault);
  return vault;
}

describe('retry of transient failures', () => {
  it('exponential backoff with full jitter: attempt n waits random() * base * 2^n', async () => {
    vi.spyOn(Math, 'random').mockReturnValue(0.5);
    const { fetchToken, times } = flaky(3);
    const starts = vi.fn();
    const vault = vaultWith(fetchToken, { retries: 3, baseDelayMs: 100 });
    vault.on('refresh:start', starts);
    const token = vault.getToken();
    await vi.advanceTimersByTimeAsync(1_000);
    await expect(token).resolves.toMatchObject({ accessToken: 'token-4' });
    expect(times).toEqual([0, 50, 150, 350]);
    expect(starts).toHaveBeenCalledTimes(1);
  });

  it('jitter spans the whole range [0, cap], and the cap is maxDelayMs', async () => {
    const random = vi.spyOn(Math, 'random');
    random.mockReturnValueOnce(0).mockReturnValue(0.9);
    const { fetchToken, times } = flaky(4);
    const vault = vaultWith(fetchToken, { retries: 4, baseDelayMs: 500, maxDelayMs: 1_500 });
    const token = vault.getToken();
    await vi.advanceTimersByTimeAsync(10_000);
    await token;
    expect(times.map((t, i) => t - (times[i - 1] ?? 0)).slice(1)).toEqual([0, 900, 1_350, 1_350]);
  });

  it('honours retryAfterMs from the error, even above maxDelayMs', async () => {
    vi.spyOn(Math, 'random').mockReturnValue(0);
    const { fetchToken, times } = flaky(2, () => Object.assign(new Error('429'), { retryAfterMs: 20_000 }));
    const vault = vaultWith(fetchToken, { retries: 2, maxDelayMs: 1_000 });
    const token = vault.getToken();
    await vi.advanceTimersByTimeAsync(19_999);
    expect(times).toEqual([0]);
    await vi.advanceTimersByTimeAsync(20_001);
    await expect(token).resolves.toMatchObject({ accessToken: 'token-3' });
    expect(times).toEqual([0, 20_000, 40_000]);
  });

  it('gives up after `retries` and rejects with the last failure', async () => {
    let n = 0;
    const { fetchToken } = flaky(10, () => new Error(`failure ${++n}`));
    const vault = vaultWith(fetchToken); // default: 2 retries
    const token = vault.getToken().catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(10_000);
    const error = (await token) as TokenRefreshError;
    expect(fetchToken).toHaveBeenCalledTimes(3);
    expect(error).toBeInstanceOf(TokenRefreshError);
    expect((error.cause as Error).message).toBe('failure 3');
  });

  it('an error with retryable: false fails at once', async () => {
    const { fetchToken } = flaky(10, () => new TokenRefreshError('invalid_client', { retryable: false }));
    const vault = vaultWith(fetchToken, { retries: 5 });
    await expect(vault.getToken()).rejects.toThrow('invalid_client');
    expect(fetchToken).toHaveBeenCalledTimes(1);

    const plain = flaky(10, () => Object.assign(new Error('400'), { retryable: false }));
    await expect(vaultWith(plain.fetchToken, { retries: 5 }).getToken()).rejects.toThrow('400');
    expect(plain.fetchToken).toHaveBeenCalledTimes(1);
  });

  it('retry: false disables retries', async () => {
    const { fetchToken } = flaky(10);
    await expect(vaultWith(fetchToken, false).getToken()).rejects.toBeInstanceOf(TokenRefreshError);
    expect(fetchToken).toHaveBeenCalledTimes(1);
  });
});
