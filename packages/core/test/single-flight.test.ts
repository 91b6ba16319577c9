import { describe, expect, it, vi } from 'vitest';
import { createTokenVault, type FetchToken } from '../src/index.js';

function deferredSource() {
  const calls: Array<{ resolve: (v: string) => void; reject: (e: unknown) => void }> = [];
  const fetchToken = vi.fn<FetchToken>(
    () =>
      new Promise<string>((resolve, reject) => {
        calls.push({ resolve, reject });
      }),
  );
  return { fetchToken, calls };
}

describe('single-flight', () => {
  it('1,000 concurrent cold getToken() calls make exactly one fetchToken call and share its token', async () => {
    const { fetchToken, calls } = deferredSource();
    const vault = createTokenVault({ fetchToken, lifetimeMs: 60_000 });
    const pending = Array.from({ length: 1000 }, () => vault.getToken());
    await Promise.resolve();
    expect(fetchToken).toHaveBeenCalledTimes(1);
    calls[0]!.resolve('token-1');
    const tokens = await Promise.all(pending);
    expect(new Set(tokens.map((t) => t.accessToken))).toEqual(new Set(['token-1']));
    expect(new Set(tokens).size).toBe(1);
    expect(fetchToken).toHaveBeenCalledTimes(1);
  });
});
