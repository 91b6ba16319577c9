import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  createTokenVault,
  type TokenResponse,
  type TokenVault,
  type TokenVaultOptions,
} from '../src/index.js';
import { controlledSource, flush } from './helpers.js';

const T0 = 1_000_000;
const vaults: TokenVault[] = [];
beforeEach(() => {
  vi.useFakeTimers({ now: T0 });
});
afterEach(async () => {
  await Promise.all(vaults.splice(0).map((v) => v.close()));
  vi.useRealTimers();
});

function setup(options: Partial<TokenVaultOptions> = {}) {
  const source = controlledSource();
  const vault = createTokenVault({ fetchToken: source.fetchToken, retry: false, ...options });
  vaults.push(vault);
  return { source, vault };
}

/** Fill the vault with `response` and return the token. */
async function prime(setupResult: ReturnType<typeof setup>, response: TokenResponse | string) {
  const pending = setupResult.vault.getToken();
  setupResult.source.last().resolve(response);
  return pending;
}

describe('token normalisation', () => {
  it('expiresIn counts from when the request was SENT, not when the answer arrived', async () => {
    const s = setup();
    const pending = s.vault.getToken();
    await vi.advanceTimersByTimeAsync(5_000); // slow token endpoint
    s.source.last().resolve({ accessToken: 'a', expiresIn: 60 });
    expect((await pending).expiresAt).toBe(T0 + 60_000);
  });

  it('expiresAt (epoch ms) wins over expiresIn; refreshIn is relative to the send time', async () => {
    const token = await prime(setup(), {
      accessToken: 'a',
      expiresIn: 60,
      expiresAt: T0 + 5_000,
      refreshIn: 2,
    });
    expect(token.expiresAt).toBe(T0 + 5_000);
    expect(token.refreshAt).toBe(T0 + 2_000);
  });

  it('lifetimeMs applies to bare strings and to responses without expiry', async () => {
    expect((await prime(setup({ lifetimeMs: 30_000 }), 'opaque')).expiresAt).toBe(T0 + 30_000);
    expect((await prime(setup({ lifetimeMs: 30_000 }), { accessToken: 'x' })).expiresAt).toBe(T0 + 30_000);
  });

  it('tokenType defaults to Bearer, canonicalises "bearer" and keeps other schemes', async () => {
    expect((await prime(setup(), 'x')).tokenType).toBe('Bearer');
    expect((await prime(setup(), { accessToken: 'x', tokenType: 'bearer' })).tokenType).toBe('Bearer');
    expect((await prime(setup(), { accessToken: 'x', tokenType: 'DPoP' })).tokenType).toBe('DPoP');
  });

  it('keeps refreshToken and raw (raw is not enumerable)', async () => {
    const raw = { access_token: 'x', scope: 'read' };
    const token = await prime(setup(), { accessToken: 'x', refreshToken: 'r', raw });
    expect(token.refreshToken).toBe('r');
    expect(token.raw).toBe(raw);
    expect(Object.keys(token)).not.toContain('raw');
    expect(Object.isFrozen(token)).toBe(true);
  });
});

describe('no expiry', () => {
  it('a token without expiry stays valid until invalidate(), however much time passes', async () => {
    const s = setup();
    const token = await prime(s, 'forever');
    expect(token.expiresAt).toBeUndefined();
    vi.setSystemTime(T0 + 10 * 365 * 86_400_000);
    await expect(s.vault.getToken()).resolves.toBe(token);
    expect(s.vault.peek()).toBe(token);
    expect(s.source.fetchToken).toHaveBeenCalledTimes(1);
    await s.vault.invalidate();
    const next = s.vault.getToken();
    await flush();
    expect(s.source.fetchToken).toHaveBeenCalledTimes(2);
    s.source.last().resolve('next');
    await expect(next).resolves.toMatchObject({ accessToken: 'next' });
  });

  it('a refreshIn hint without expiry opens a soft window but never expires', async () => {
    const s = setup();
    const token = await prime(s, { accessToken: 'a', refreshIn: 10 });
    vi.setSystemTime(T0 + 10_000);
    await expect(s.vault.getToken()).resolves.toBe(token);
    expect(s.source.last().context.reason).toBe('background');
  });
});

describe('default window and margin scale with the lifetime', () => {
  it.each([
    ['60 s token', 60, 45_000, 54_000],
    ['24 h token', 86_400, 86_400_000 - 300_000, 86_400_000 - 10_000],
  ])(
    '%s: served until the soft window, background refresh inside it, wait inside the margin',
    async (_l, expiresIn, softAt, hardAt) => {
      const s = setup();
      const token = await prime(s, { accessToken: 'a', expiresIn });

      vi.setSystemTime(T0 + softAt - 1);
      await expect(s.vault.getToken()).resolves.toBe(token);
      expect(s.source.fetchToken).toHaveBeenCalledTimes(1);

      vi.setSystemTime(T0 + softAt);
      const soft = await Promise.all(Array.from({ length: 20 }, () => s.vault.getToken()));
      for (const t of soft) expect(t).toBe(token); // served from cache, no waiting
      expect(s.source.fetchToken).toHaveBeenCalledTimes(2); // ONE background refresh
      expect(s.source.last().context.reason).toBe('background');
      s.source.last().reject(new Error('let it fail'));
      await flush();

      vi.setSystemTime(T0 + hardAt - 1);
      expect(s.vault.peek()).toBe(token);
      vi.setSystemTime(T0 + hardAt);
      expect(s.vault.peek()).toBeUndefined();
      const waiting = s.vault.getToken();
      const settled = vi.fn();
      void waiting.then(settled);
      await flush();
      expect(settled).not.toHaveBeenCalled(); // inside the hard margin: callers wait
      expect(s.source.last().context.reason).toBe('expired');
      s.source.last().resolve({ accessToken: 'b', expiresIn });
      await expect(waiting).resolves.toMatchObject({ accessToken: 'b' });
    },
  );

  it('explicit refreshWindowMs and expiryMarginMs override the defaults', async () => {
    const s = setup({ refreshWindowMs: 30_000, expiryMarginMs: 1_000 });
    const token = await prime(s, { accessToken: 'a', expiresIn: 60 });
    vi.setSystemTime(T0 + 29_999);
    await s.vault.getToken();
    expect(s.source.fetchToken).toHaveBeenCalledTimes(1);
    vi.setSystemTime(T0 + 30_000);
    await expect(s.vault.getToken()).resolves.toBe(token);
    expect(s.source.fetchToken).toHaveBeenCalledTimes(2);
    s.source.last().reject(new Error('x'));
    await flush();
    vi.setSystemTime(T0 + 58_999);
    expect(s.vault.peek()).toBe(token);
    vi.setSystemTime(T0 + 59_000);
    expect(s.vault.peek()).toBeUndefined();
  });

  it('minValidityMs asks for more validity beyond the margin', async () => {
    const s = setup();
    const token = await prime(s, { accessToken: 'a', expiresIn: 100 }); // hard at 90 s
    await expect(s.vault.getToken({ minValidityMs: 89_999 })).resolves.toBe(token);
    const waiting = s.vault.getToken({ minValidityMs: 90_000 });
    await flush();
    expect(s.source.fetchToken).toHaveBeenCalledTimes(2);
    s.source.last().resolve({ accessToken: 'b', expiresIn: 100 });
    await expect(waiting).resolves.toMatchObject({ accessToken: 'b' });
  });
});

describe('odd clocks and short tokens', () => {
  it('a clock that moves backwards counts as expired', async () => {
    const s = setup();
    await prime(s, { accessToken: 'a', expiresIn: 3600 });
    vi.setSystemTime(T0 - 1);
    expect(s.vault.peek()).toBeUndefined();
    const waiting = s.vault.getToken();
    await flush();
    expect(s.source.fetchToken).toHaveBeenCalledTimes(2);
    expect(s.source.last().context.reason).toBe('expired');
    s.source.last().resolve({ accessToken: 'b', expiresIn: 3600 });
    await expect(waiting).resolves.toMatchObject({ accessToken: 'b' });
  });

  it('a token shorter than the margin is still handed to its waiters, with no refresh loop', async () => {
    const s = setup({ expiryMarginMs: 10_000, keepFresh: true });
    const waiters = Array.from({ length: 100 }, () => s.vault.getToken());
    await flush();
    s.source.last().resolve({ accessToken: 'short', expiresIn: 5 });
    for (const token of await Promise.all(waiters)) expect(token.accessToken).toBe('short');
    await vi.advanceTimersByTimeAsync(60_000);
    expect(s.source.fetchToken).toHaveBeenCalledTimes(1);
    expect(vi.getTimerCount()).toBe(0);

    // Each later demand refreshes once and is served, even though the new token is short too.
    const next = s.vault.getToken();
    await flush();
    s.source.last().resolve({ accessToken: 'short-2', expiresIn: 5 });
    await expect(next).resolves.toMatchObject({ accessToken: 'short-2' });
    await vi.advanceTimersByTimeAsync(60_000);
    expect(s.source.fetchToken).toHaveBeenCalledTimes(2);
  });
});

describe('a refresh window as long as the lifetime', () => {
  it('does not turn into a refresh loop: a fresh token stays out of its window for half its life', async () => {
    let now = 1_000_000;
    let calls = 0;
    const vault = createTokenVault({
      fetchToken: async () => ({ accessToken: `t${++calls}`, expiresIn: 60 }),
      refreshWindowMs: 300_000, // longer than the 60 s token
      now: () => now,
    });
    await vault.getToken();
    const start = now;
    // Half of the usable life (60 s minus the 6 s default margin) is 27 s.
    for (now = start; now < start + 26_500; now += 500) {
      await vault.getToken();
      await flush();
    }
    expect(calls).toBe(1);
    now = start + 27_000;
    await vault.getToken(); // inside the window now: one background refresh
    await flush();
    expect(calls).toBe(2);
    const second = now;
    for (; now < second + 26_500; now += 500) {
      await vault.getToken();
      await flush();
    }
    expect(calls).toBe(2);
    await vault.close();
  });
});
