import { afterEach, describe, expect, it, vi } from 'vitest';
import { createMemoryStore, createTokenVault, type TokenVault, type VaultEventType } from '../src/index.js';
import { controlledSource, flush } from './helpers.js';

const vaults: TokenVault[] = [];
afterEach(async () => {
  await Promise.all(vaults.splice(0).map((v) => v.close()));
  vi.restoreAllMocks();
});

const TYPES: VaultEventType[] = ['refresh:start', 'refresh:success', 'refresh:error', 'token:cleared'];

function record(vault: TokenVault) {
  const log: Array<[VaultEventType, unknown]> = [];
  for (const type of TYPES) vault.on(type, (event) => log.push([type, event]));
  return log;
}

describe('events', () => {
  it('carry the documented payloads, one start per coalesced refresh, and never a token', async () => {
    const source = controlledSource();
    const vault = createTokenVault({ name: 'api', fetchToken: source.fetchToken, retry: false });
    vaults.push(vault);
    const log = record(vault);

    const first = Promise.all([vault.getToken(), vault.getToken()]);
    source
      .last()
      .resolve({ accessToken: 'secret-A', expiresAt: 2_000_000_000_000, refreshToken: 'secret-R' });
    await first;
    const failed = vault.refresh({ staleToken: 'secret-A' });
    source.last().reject(new Error('nope'));
    const error = await failed.catch((e: unknown) => e);
    await vault.invalidate();

    expect(log).toEqual([
      ['refresh:start', { name: 'api', reason: 'initial' }],
      [
        'refresh:success',
        {
          name: 'api',
          reason: 'initial',
          source: 'fetch',
          tokenType: 'Bearer',
          expiresAt: 2_000_000_000_000,
        },
      ],
      ['refresh:start', { name: 'api', reason: 'forced' }],
      ['refresh:error', { name: 'api', reason: 'forced', error }],
      ['token:cleared', { name: 'api', reason: 'invalidate' }],
    ]);
    expect(JSON.stringify(log)).not.toContain('secret');
  });

  it('source is "store" when another vault of the store already refreshed; a delete elsewhere clears', async () => {
    const store = createMemoryStore();
    const source = controlledSource();
    const a = createTokenVault({ fetchToken: source.fetchToken, store });
    const b = createTokenVault({ fetchToken: source.fetchToken, store });
    vaults.push(a, b);
    const first = a.getToken();
    await flush();
    source.last().resolve({ accessToken: 'A', expiresIn: 3600 });
    await first;
    const log = record(b);
    await b.refresh({ staleToken: 'older' }); // b adopted A through subscribe; not stale → no refresh
    await b.invalidate();
    const refetch = b.getToken();
    await flush();
    source.last().resolve({ accessToken: 'B', expiresIn: 3600 });
    await refetch;

    const c = createTokenVault({ fetchToken: source.fetchToken, store }); // not subscribed before B existed
    vaults.push(c);
    const logC = record(c);
    await expect(c.getToken()).resolves.toMatchObject({ accessToken: 'B' });
    await a.invalidate();

    expect(log.map(([type, event]) => [type, (event as { reason: string }).reason])).toEqual([
      ['token:cleared', 'invalidate'],
      ['refresh:start', 'initial'],
      ['refresh:success', 'initial'],
      ['token:cleared', 'store'], // a.invalidate()
    ]);
    expect(logC).toEqual([
      ['refresh:start', { name: 'default', reason: 'initial' }],
      ['refresh:success', expect.objectContaining({ source: 'store' })],
      ['token:cleared', { name: 'default', reason: 'store' }],
    ]);
    expect(source.fetchToken).toHaveBeenCalledTimes(2);
  });

  it('unsubscribe stops delivery; a throwing listener is reported asynchronously and breaks nothing', async () => {
    const reported: Array<() => void> = [];
    vi.spyOn(globalThis, 'queueMicrotask').mockImplementation((callback) => {
      reported.push(callback);
    });
    const vault = createTokenVault({ fetchToken: async () => ({ accessToken: 't', expiresIn: 60 }) });
    vaults.push(vault);
    const boom = new Error('listener bug');
    vault.on('refresh:start', () => {
      throw boom;
    });
    const later = vi.fn();
    const off = vault.on('refresh:success', later);
    off();
    await expect(vault.getToken()).resolves.toMatchObject({ accessToken: 't' });
    expect(later).not.toHaveBeenCalled();
    expect(reported).toHaveLength(1);
    expect(() => reported[0]?.()).toThrow(boom);
  });
});
