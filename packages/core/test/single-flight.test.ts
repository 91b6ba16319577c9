import { afterEach, describe, expect, it, vi } from 'vitest';
import { createTokenVault, TokenRefreshError, type TokenVault } from '../src/index.js';
import { controlledSource, flush } from './helpers.js';

const vaults: TokenVault[] = [];
function track(vault: TokenVault): TokenVault {
  vaults.push(vault);
  return vault;
}
afterEach(async () => {
  await Promise.all(vaults.splice(0).map((v) => v.close()));
});

describe('single-flight', () => {
  it('1,000 concurrent cold getToken() calls make exactly one fetchToken call and share its token', async () => {
    const source = controlledSource();
    const vault = track(createTokenVault({ fetchToken: source.fetchToken, lifetimeMs: 60_000 }));
    const pending = Array.from({ length: 1000 }, () => vault.getToken());
    await flush();
    expect(source.fetchToken).toHaveBeenCalledTimes(1);
    source.last().resolve('token-1');
    const tokens = await Promise.all(pending);
    expect(new Set(tokens.map((t) => t.accessToken))).toEqual(new Set(['token-1']));
    expect(new Set(tokens).size).toBe(1);
    expect(source.fetchToken).toHaveBeenCalledTimes(1);
  });

  it('a cached fresh token is served without calling fetchToken again', async () => {
    const source = controlledSource();
    const vault = track(createTokenVault({ fetchToken: source.fetchToken }));
    const first = vault.getToken();
    source.last().resolve({ accessToken: 'a', expiresIn: 3600 });
    const token = await first;
    await expect(vault.getToken()).resolves.toBe(token);
    expect(vault.peek()).toBe(token);
    expect(source.fetchToken).toHaveBeenCalledTimes(1);
  });

  it('re-entrant calls from a refresh:start listener join the flight instead of starting another', async () => {
    const source = controlledSource();
    const vault = track(createTokenVault({ fetchToken: source.fetchToken, retry: false }));
    const joined: Array<Promise<unknown>> = [];
    vault.on('refresh:start', () => {
      joined.push(vault.getToken());
    });
    const first = vault.getToken();
    source.last().resolve('only');
    await expect(first).resolves.toMatchObject({ accessToken: 'only' });
    await expect(joined[0]).resolves.toMatchObject({ accessToken: 'only' });
    expect(source.fetchToken).toHaveBeenCalledTimes(1);
  });
});

describe('the Go seed bugs', () => {
  it('ALL callers waiting for the first token are released (not just one)', async () => {
    const source = controlledSource();
    const vault = track(createTokenVault({ fetchToken: source.fetchToken }));
    const settled = vi.fn();
    const waiters = Array.from({ length: 50 }, () => vault.getToken().then(settled));
    await flush();
    expect(settled).not.toHaveBeenCalled();
    source.last().resolve({ accessToken: 'first', expiresIn: 3600 });
    await Promise.all(waiters);
    expect(settled).toHaveBeenCalledTimes(50);
    for (const [token] of settled.mock.calls) expect(token.accessToken).toBe('first');
  });

  it('a failing first fetch rejects every waiter with the same typed error, and the next call fetches again', async () => {
    const source = controlledSource();
    const vault = track(createTokenVault({ fetchToken: source.fetchToken, retry: false }));
    const waiters = Array.from({ length: 50 }, () => vault.getToken());
    const results = Promise.allSettled(waiters);
    await flush();
    source.last().reject(new Error('auth server down'));
    const outcomes = await results;
    const reasons = outcomes.map((o) => (o.status === 'rejected' ? o.reason : undefined));
    expect(reasons[0]).toBeInstanceOf(TokenRefreshError);
    expect(new Set(reasons).size).toBe(1);
    expect((reasons[0] as TokenRefreshError).cause).toEqual(new Error('auth server down'));

    const next = vault.getToken();
    await flush();
    expect(source.fetchToken).toHaveBeenCalledTimes(2);
    source.last().resolve('second');
    await expect(next).resolves.toMatchObject({ accessToken: 'second' });
  });
});
