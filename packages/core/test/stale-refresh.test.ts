import { afterEach, describe, expect, it } from 'vitest';
import { createTokenVault, type TokenVault } from '../src/index.js';
import { controlledSource, flush } from './helpers.js';

const vaults: TokenVault[] = [];
afterEach(async () => {
  await Promise.all(vaults.splice(0).map((v) => v.close()));
});

async function vaultHolding(accessToken: string) {
  const source = controlledSource();
  const vault = createTokenVault({ fetchToken: source.fetchToken, retry: false });
  vaults.push(vault);
  const first = vault.getToken();
  source.last().resolve({ accessToken, expiresIn: 3600 });
  return { vault, source, token: await first };
}

describe('refresh({ staleToken })', () => {
  it('with an already-replaced token returns the current one without calling fetchToken', async () => {
    const { vault, source, token } = await vaultHolding('B');
    const results = await Promise.all([
      vault.refresh({ staleToken: 'A' }),
      vault.refresh({ staleToken: 'A' }),
      vault.refresh({ staleToken: { ...token, accessToken: 'A' } }),
    ]);
    for (const result of results) expect(result).toBe(token);
    expect(source.fetchToken).toHaveBeenCalledTimes(1);
  });

  it('with the current token: 100 concurrent forced refreshes coalesce into one fetchToken call', async () => {
    const { vault, source, token } = await vaultHolding('A');
    const pending = Array.from({ length: 100 }, (_, i) =>
      vault.refresh({ staleToken: i % 2 === 0 ? 'A' : token }),
    );
    await flush();
    expect(source.fetchToken).toHaveBeenCalledTimes(2);
    expect(source.last().context.reason).toBe('forced');
    expect(source.last().context.previous).toBe(token);
    source.last().resolve({ accessToken: 'B', expiresIn: 3600 });
    const fresh = await Promise.all(pending);
    expect(new Set(fresh.map((t) => t.accessToken))).toEqual(new Set(['B']));
    // A 401 that arrives late, for A, after B exists: no third call.
    await expect(vault.refresh({ staleToken: 'A' })).resolves.toBe(fresh[0]);
    expect(source.fetchToken).toHaveBeenCalledTimes(2);
  });

  it('without staleToken forces one coalesced refresh even while the token is fresh', async () => {
    const { vault, source } = await vaultHolding('A');
    const pending = [vault.refresh(), vault.refresh(), vault.getToken({ minValidityMs: 7_200_000 })];
    await flush();
    expect(source.fetchToken).toHaveBeenCalledTimes(2);
    source.last().resolve('B');
    const tokens = await Promise.all(pending);
    expect(tokens.map((t) => t.accessToken)).toEqual(['B', 'B', 'B']);
  });

  it('a staleToken on an empty vault fetches', async () => {
    const source = controlledSource();
    const vault = createTokenVault({ fetchToken: source.fetchToken });
    vaults.push(vault);
    const pending = vault.refresh({ staleToken: 'A' });
    await flush();
    source.last().resolve('B');
    await expect(pending).resolves.toMatchObject({ accessToken: 'B' });
  });

  it('rejects a staleToken that is neither a string nor a Token with a TypeError', async () => {
    const { vault } = await vaultHolding('A');
    expect(() => vault.refresh({ staleToken: 42 as unknown as string })).toThrow(/"staleToken"/);
    expect(() => vault.refresh({ staleToken: null as unknown as string })).toThrow(TypeError);
  });
});
