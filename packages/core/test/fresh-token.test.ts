/**
 * `freshToken` (`@tokvault/core/adapter`): the token `getToken()` would return at once, starting
 * nothing, so an adapter may skip the call; `undefined` whenever the call has work to do.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { freshToken } from '../src/adapter.js';
import { createTokenVault, type TokenVault } from '../src/index.js';

const vaults: TokenVault[] = [];
afterEach(async () => {
  await Promise.all(vaults.splice(0).map((vault) => vault.close()));
});

function timedVault() {
  const clock = { now: 0, issued: 0 };
  const vault = createTokenVault({
    now: () => clock.now,
    refreshWindowMs: 1_000,
    expiryMarginMs: 100,
    fetchToken: async () => ({ accessToken: `t${++clock.issued}`, expiresIn: 10 }),
  });
  vaults.push(vault);
  return { vault, clock };
}

describe('freshToken', () => {
  it('is the cached token before the soft window, as getToken() resolves it', async () => {
    const { vault, clock } = timedVault();
    expect(freshToken(vault)).toBeUndefined(); // no token yet
    const token = await vault.getToken();
    clock.now = 8_999;
    expect(freshToken(vault)).toBe(token);
    expect(await vault.getToken()).toBe(token);
    expect(clock.issued).toBe(1);
  });

  it('is undefined in the soft window and after the hard margin, and starts nothing', async () => {
    const { vault, clock } = timedVault();
    await vault.getToken();
    clock.now = 9_000; // the soft window: getToken() would start the background refresh
    expect(freshToken(vault)).toBeUndefined();
    clock.now = 9_900; // the hard margin
    expect(freshToken(vault)).toBeUndefined();
    clock.now = -1; // a clock that went back counts as expired
    expect(freshToken(vault)).toBeUndefined();
    await new Promise((resolve) => setImmediate(resolve));
    expect(clock.issued).toBe(1);
  });

  it('is undefined for a vault createTokenVault did not make, and after close()', async () => {
    const { vault } = timedVault();
    await vault.getToken();
    expect(freshToken({ ...vault })).toBeUndefined();
    await vault.close();
    expect(freshToken(vault)).toBeUndefined();
  });
});
