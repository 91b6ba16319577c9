/**
 * A token that cannot be sent never enters the vault: an `accessToken` or `tokenType` that is not
 * a valid header value is refused where it enters (fetchToken, a shared store), with a final
 * error that names the field and never the value; nothing is cached; the next call tries again.
 */
import { HttpResponse, http } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  createMemoryStore,
  createTokenVault,
  type FetchToken,
  type StoredToken,
  TokenRefreshError,
  type TokenStore,
  type TokenVault,
} from '../src/index.js';
import { clientCredentials } from '../src/oauth2.js';
import { flush } from './helpers.js';

const vaults: TokenVault[] = [];
afterEach(async () => {
  await Promise.all(vaults.splice(0).map((v) => v.close()));
});

const SECRET = 'sekrit-token';

/** [what fetchToken returns, the field named, what is wrong]. */
const BAD: Array<
  [label: string, response: { accessToken: string; tokenType?: string }, field: string, what: RegExp]
> = [
  ['CR LF in the token', { accessToken: `${SECRET}\r\nX-Injected: 1` }, 'accessToken', /CR, LF or NUL/],
  ['NUL in the token', { accessToken: `${SECRET}\0` }, 'accessToken', /CR, LF or NUL/],
  ['DEL in the token', { accessToken: `${SECRET}\x7f` }, 'accessToken', /control or non-ASCII/],
  ['a tab in the token', { accessToken: `${SECRET}\tx` }, 'accessToken', /\(whitespace\)/],
  ['non-ASCII in the token', { accessToken: `${SECRET}é` }, 'accessToken', /control or non-ASCII/],
  ['a space inside the token', { accessToken: `${SECRET} more` }, 'accessToken', /\(whitespace\)/],
  ['an empty token type', { accessToken: SECRET, tokenType: '' }, 'tokenType', /\(empty\)/],
  ['LF in the token type', { accessToken: SECRET, tokenType: 'Bearer\nX: 1' }, 'tokenType', /CR, LF or NUL/],
  ['a space in the token type', { accessToken: SECRET, tokenType: 'Be arer' }, 'tokenType', /\(whitespace\)/],
];

describe('fetchToken returning a token that cannot be sent', () => {
  it.each(BAD)(
    '%s: a final TokenRefreshError naming the field, nothing cached, the next call tries again',
    async (_, bad, field, what) => {
      const responses: Array<unknown> = [bad, { accessToken: 'good-token', expiresIn: 3600 }];
      const fetchToken = vi.fn<FetchToken>(async () => responses.shift() as string);
      const vault = createTokenVault({ name: 'api', fetchToken });
      vaults.push(vault);
      const errors: unknown[] = [];
      vault.on('refresh:error', ({ error }) => errors.push(error));

      const error = (await vault.getToken().catch((e: unknown) => e)) as TokenRefreshError;
      expect(error).toBeInstanceOf(TokenRefreshError);
      expect(error).toMatchObject({ retryable: false, code: 'invalid_token_value' });
      expect(error.message).toContain(`"${field}" cannot be sent in a header (`);
      expect(error.message).toMatch(what);
      expect(error.message).not.toContain(SECRET);
      expect(JSON.stringify(errors)).not.toContain(SECRET);
      expect(fetchToken).toHaveBeenCalledTimes(1); // not retried by the backoff
      expect(vault.peek()).toBeUndefined(); // nothing cached

      await expect(vault.getToken()).resolves.toMatchObject({ accessToken: 'good-token' });
      expect(fetchToken).toHaveBeenCalledTimes(2);
    },
  );

  it('the same for a bare string and for the OAuth wire format', async () => {
    for (const bad of [`${SECRET}\r\n`, { access_token: `${SECRET} x`, token_type: 'Bearer' }]) {
      const vault = createTokenVault({ fetchToken: async () => bad as string });
      vaults.push(vault);
      const error = (await vault.getToken().catch((e: unknown) => e)) as TokenRefreshError;
      expect(error).toMatchObject({ code: 'invalid_token_value', retryable: false });
      expect(error.message).not.toContain(SECRET);
    }
  });

  it('setTokens refuses it with a TypeError, keeping the session it had', async () => {
    const vault = createTokenVault({ fetchToken: async () => 'fetched' });
    vaults.push(vault);
    await vault.setTokens({ accessToken: 'first', expiresIn: 3600 });
    const error = (await vault.setTokens({ accessToken: `${SECRET}\n` }).catch((e: unknown) => e)) as Error;
    expect(error).toBeInstanceOf(TypeError);
    expect(error.message).toMatch(/^setTokens: .*"accessToken" cannot be sent in a header \(CR, LF or NUL/);
    expect(error.message).not.toContain(SECRET);
    expect(vault.peek()?.accessToken).toBe('first');
  });
});

describe('a stored token that cannot be sent counts as no token', () => {
  const bad: StoredToken[] = [
    { accessToken: `${SECRET}\r\nX: 1`, tokenType: 'Bearer', expiresAt: Date.now() + 3_600_000 },
    { accessToken: SECRET, tokenType: '', expiresAt: Date.now() + 3_600_000 },
    { accessToken: `${SECRET}é`, tokenType: 'Bearer' },
  ];
  const write = (store: TokenStore, token: StoredToken) =>
    store.withLock('default', (lock) => lock.set(token));

  it.each(bad)('read from the store: the vault fetches instead (%#)', async (stored) => {
    const store = createMemoryStore();
    await write(store, stored); // written by a careless sharer, bypassing its vault
    const fetchToken = vi.fn<FetchToken>(async () => ({ accessToken: 'fresh', expiresIn: 3600 }));
    const vault = createTokenVault({ fetchToken, store });
    vaults.push(vault);
    await expect(vault.getToken()).resolves.toMatchObject({ accessToken: 'fresh' });
    expect(fetchToken).toHaveBeenCalledTimes(1);
    expect((await store.get('default'))?.accessToken).toBe('fresh'); // and repairs the store
  });

  it.each(bad)('pushed by subscribe: not adopted (%#)', async (stored) => {
    const store = createMemoryStore();
    let calls = 0;
    const vault = createTokenVault({
      fetchToken: async () => ({ accessToken: `own-${++calls}`, expiresIn: 3600 }),
      store,
    });
    vaults.push(vault);
    const empty = createTokenVault({ name: 'other', fetchToken: async () => 'other-token', store });
    vaults.push(empty);
    await vault.getToken();
    await write(store, stored);
    await store.withLock('other', (lock) => lock.set(stored));
    await flush();
    expect(vault.peek()?.accessToken).toBe('own-1'); // keeps its own token
    expect(empty.peek()).toBeUndefined(); // adopts nothing
    await expect(empty.getToken()).resolves.toMatchObject({ accessToken: 'other-token' });
  });
});

describe('an OAuth token response whose access_token cannot be sent', () => {
  const server = setupServer();
  beforeAll(() => server.listen({ onUnhandledFrame: 'error' } as Parameters<typeof server.listen>[0]));
  afterAll(() => server.close());

  it('is refused the same way: final, named, not quoted, not cached, tried again', async () => {
    const bodies = [
      { access_token: `${SECRET}\r\nX-Injected: 1`, token_type: 'Bearer', expires_in: 60 },
      { access_token: 'good-token', token_type: 'Bearer', expires_in: 60 },
    ];
    let calls = 0;
    server.use(
      http.post('https://auth.example.com/token', () => {
        calls += 1;
        return HttpResponse.json(bodies.shift());
      }),
    );
    const vault = createTokenVault({
      fetchToken: clientCredentials({
        tokenUrl: 'https://auth.example.com/token',
        clientId: 'app',
        clientSecret: 'client-secret',
      }),
    });
    vaults.push(vault);
    const error = (await vault.getToken().catch((e: unknown) => e)) as TokenRefreshError;
    expect(error).toMatchObject({ code: 'invalid_token_value', retryable: false });
    expect(error.message).toContain('"accessToken" cannot be sent in a header (CR, LF or NUL');
    expect(error.message).not.toContain(SECRET);
    expect(calls).toBe(1);
    expect(vault.peek()).toBeUndefined();
    await expect(vault.getToken()).resolves.toMatchObject({ accessToken: 'good-token' });
    expect(calls).toBe(2);
  });
});
