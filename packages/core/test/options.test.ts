import { describe, expect, it } from 'vitest';
import { createMemoryStore, createTokenVault, type TokenVaultOptions } from '../src/index.js';

const fetchToken = async () => 'token';

describe('invalid options throw a TypeError naming the option', () => {
  const cases: Array<[string, unknown]> = [
    ['fetchToken', { fetchToken: undefined }],
    ['fetchToken', { fetchToken: 'https://auth.example.com/token' }],
    ['name', { name: '' }],
    ['name', { name: 42 }],
    ['lifetimeMs', { lifetimeMs: 0 }],
    ['lifetimeMs', { lifetimeMs: -1 }],
    ['lifetimeMs', { lifetimeMs: Number.POSITIVE_INFINITY }],
    ['lifetimeMs', { lifetimeMs: '60000' }],
    ['refreshWindowMs', { refreshWindowMs: -5 }],
    ['refreshWindowMs', { refreshWindowMs: Number.NaN }],
    ['expiryMarginMs', { expiryMarginMs: -1 }],
    ['expiryMarginMs', { expiryMarginMs: null }],
    ['keepFresh', { keepFresh: 'yes' }],
    ['keepFresh', { keepFresh: 1 }],
    ['refreshTimeoutMs', { refreshTimeoutMs: 0 }],
    ['refreshTimeoutMs', { refreshTimeoutMs: -100 }],
    ['retry', { retry: true }],
    ['retry', { retry: 3 }],
    ['retry', { retry: null }],
    ['retry.retries', { retry: { retries: -1 } }],
    ['retry.retries', { retry: { retries: 1.5 } }],
    ['retry.baseDelayMs', { retry: { baseDelayMs: -1 } }],
    ['retry.maxDelayMs', { retry: { maxDelayMs: 'soon' } }],
    ['store', { store: {} }],
    ['store', { store: { get() {}, withLock() {} } }],
    ['store', { store: null }],
    ['now', { now: 12 }],
    ['timers', { timers: {} }],
    ['timers', { timers: null }],
  ];

  it.each(cases)('%s: %j', (option, overrides) => {
    const create = () => createTokenVault({ fetchToken, ...(overrides as object) } as TokenVaultOptions);
    expect(create).toThrow(TypeError);
    expect(create).toThrow(`option "${option}"`);
  });

  it('a misspelt or unknown option, listing the known ones', () => {
    const typo = { fetchToken, expiryMargin: 5_000 } as unknown as TokenVaultOptions;
    expect(() => createTokenVault(typo)).toThrow(TypeError);
    expect(() => createTokenVault(typo)).toThrow(
      'createTokenVault: unknown option "expiryMargin" (known: fetchToken, name, lifetimeMs, refreshWindowMs, expiryMarginMs, keepFresh, refreshTimeoutMs, retry, store, revokeToken, dpop, now, timers)',
    );
    const retryTypo = { fetchToken, retry: { retry: 3 } } as unknown as TokenVaultOptions;
    expect(() => createTokenVault(retryTypo)).toThrow(
      'createTokenVault: unknown option "retry.retry" (known: retries, baseDelayMs, maxDelayMs)',
    );
  });

  it('the options object itself', () => {
    expect(() => createTokenVault(undefined as unknown as TokenVaultOptions)).toThrow(
      'createTokenVault: options must be an object (got undefined)',
    );
    expect(() => createTokenVault(null as unknown as TokenVaultOptions)).toThrow(TypeError);
  });

  it('messages say what was expected and what was given, never the value of a string', () => {
    expect(() => createTokenVault({ fetchToken, lifetimeMs: -1 })).toThrow(
      'createTokenVault: option "lifetimeMs" must be a positive finite number of ms (got -1)',
    );
    expect(() =>
      createTokenVault({
        fetchToken,
        name: 'secret-ish' as unknown as string,
        keepFresh: 'secret' as unknown as boolean,
      }),
    ).toThrow('createTokenVault: option "keepFresh" must be a boolean (got string)');
  });

  it('getToken rejects an invalid minValidityMs with a TypeError', async () => {
    const vault = createTokenVault({ fetchToken });
    expect(() => vault.getToken({ minValidityMs: -1 })).toThrow(/"minValidityMs"/);
    expect(() => vault.getToken({ minValidityMs: Number.NaN })).toThrow(TypeError);
    await vault.close();
  });

  it('valid options are accepted, including zero windows and retry: false', async () => {
    const vault = createTokenVault({
      fetchToken,
      name: 'api',
      lifetimeMs: 1,
      refreshWindowMs: 0,
      expiryMarginMs: 0,
      keepFresh: false,
      refreshTimeoutMs: 1,
      retry: false,
      store: createMemoryStore(),
      now: () => 0,
      timers: globalThis,
    });
    expect(vault.name).toBe('api');
    await vault.close();
    const withRetry = createTokenVault({ fetchToken, retry: { retries: 0, baseDelayMs: 0, maxDelayMs: 0 } });
    await withRetry.close();
  });
});
