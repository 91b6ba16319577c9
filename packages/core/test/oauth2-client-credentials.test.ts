import { describe, expect, it, vi } from 'vitest';
import { TokenRefreshError } from '../src/index.js';
import {
  type ClientCredentialsOptions,
  clientCredentials,
  refreshTokenGrant,
  revocation,
} from '../src/oauth2.js';
import { context, MODES, SECRET, TOKEN_URL, useMockAuth } from './oauth2Harness.js';

async function failure(promise: Promise<unknown>): Promise<TokenRefreshError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(TokenRefreshError);
  const refreshError = error as TokenRefreshError;
  expect(refreshError.message).not.toContain(SECRET);
  return refreshError;
}

describe.each(MODES)('clientCredentials over %s', (mode) => {
  const h = useMockAuth(mode);
  const source = (extra: Partial<ClientCredentialsOptions> = {}) =>
    clientCredentials({ tokenUrl: h.tokenUrl, clientId: 'app', clientSecret: SECRET, ...extra });

  it('obtains a token with Basic authentication and parses expires_in as seconds', async () => {
    const token = await source()(context());
    expect(token).toEqual({
      accessToken: expect.stringMatching(/^mock_at_/),
      tokenType: 'Bearer',
      expiresIn: 3599,
      raw: expect.objectContaining({ scope: 'read write' }),
    });
    expect(h.auth.introspect(token.accessToken)).toMatchObject({ clientId: 'app', status: 'active' });
    expect(h.auth.stats.tokenRequestsByGrant.client_credentials).toBe(1);
  });

  it('sends client_secret_post, scope (string or list), audience and extra headers', async () => {
    const a = await source({ authMethod: 'client_secret_post', scope: ['read'], audience: 'https://api' })(
      context(),
    );
    expect(h.auth.introspect(a.accessToken)).toMatchObject({ scopes: ['read'], audience: 'https://api' });
    const b = await source({ scope: 'write', headers: { 'User-Agent': 'tokvault-test' } })(context());
    expect(h.auth.introspect(b.accessToken)?.scopes).toEqual(['write']);
  });

  it('uses the fetch option when given, else globalThis.fetch at call time', async () => {
    const spy = vi.fn(globalThis.fetch);
    await source({ fetch: spy })(context());
    expect(spy).toHaveBeenCalledTimes(1);
    const late = source();
    const original = globalThis.fetch;
    const wrapped = vi.fn(original);
    vi.stubGlobal('fetch', wrapped);
    try {
      await late(context());
    } finally {
      vi.unstubAllGlobals();
    }
    expect(wrapped).toHaveBeenCalledTimes(1);
  });

  it('classifies invalid_client as final with its code, without the secret', async () => {
    const error = await failure(source({ clientSecret: 'wrong-secret' })(context()));
    expect(error).toMatchObject({ retryable: false, code: 'invalid_client', retryAfterMs: undefined });
    expect(error.message).toMatch(/answered 401 \(invalid_client: /);
    expect(error.message).not.toContain('wrong-secret');
    expect(error.cause).toMatchObject({ status: 401, error: 'invalid_client' });
  });

  it('classifies unauthorized_client and invalid_scope as final', async () => {
    h.auth.failNext(1, { status: 400, body: { error: 'unauthorized_client' } });
    expect(await failure(source()(context()))).toMatchObject({
      retryable: false,
      code: 'unauthorized_client',
    });
    expect(await failure(source({ scope: 'admin' })(context()))).toMatchObject({
      retryable: false,
      code: 'invalid_scope',
    });
  });

  it('classifies 429 and 5xx as retryable with retryAfterMs from Retry-After seconds', async () => {
    h.auth.failNext(1, { status: 429, retryAfter: 7, body: { error: 'slow_down' } });
    expect(await failure(source()(context()))).toMatchObject({
      retryable: true,
      retryAfterMs: 7_000,
      code: 'slow_down',
    });
    h.auth.failNext(1, { status: 502, body: '<html>bad gateway</html>' });
    expect(await failure(source()(context()))).toMatchObject({
      retryable: true,
      retryAfterMs: undefined,
      code: undefined,
    });
  });

  it('reads an HTTP-date Retry-After relative to the clock', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.UTC(2030, 0, 1, 0, 0, 0));
    h.auth.failNext(1, { status: 503, retryAfter: new Date(Date.UTC(2030, 0, 1, 0, 0, 30)) });
    expect(await failure(source()(context()))).toMatchObject({ retryable: true, retryAfterMs: 30_000 });
  });

  it('classifies network errors as retryable', async () => {
    h.auth.failNext(1, { networkError: true });
    const error = await failure(source()(context()));
    expect(error).toMatchObject({ retryable: true, code: 'network_error' });
    expect(error.cause).toBeInstanceOf(TypeError);
  });

  it('rejects a malformed body or a missing access_token with a clear final error', async () => {
    h.auth.failNext(1, { status: 200, body: 'not json' });
    const notJson = await failure(source()(context()));
    expect(notJson).toMatchObject({ retryable: false, code: 'malformed_response' });
    expect(notJson.message).toContain('not JSON');
    h.auth.failNext(1, { status: 200, body: { token_type: 'Bearer', expires_in: 60 } });
    expect((await failure(source()(context()))).message).toContain('"access_token" is missing');
    h.auth.failNext(1, { status: 200, body: { access_token: 'a', expires_in: 'soon' } });
    expect((await failure(source()(context()))).message).toContain('"expires_in"');
    h.auth.failNext(1, { status: 200, body: { access_token: 'a', token_type: 5 } });
    expect((await failure(source()(context()))).message).toContain('"token_type"');
    h.auth.failNext(1, { status: 200, body: { access_token: 'a', refresh_token: 7 } });
    expect((await failure(source()(context()))).message).toContain('"refresh_token"');
    h.auth.failNext(1, { status: 200, body: ['a'] });
    expect((await failure(source()(context()))).message).toContain('not a JSON object');
  });

  it('honours the abort signal: before sending, and while waiting', async () => {
    const reason = new Error('caller went away');
    await expect(source()(context(undefined, AbortSignal.abort(reason)))).rejects.toBe(reason);
    expect(h.auth.stats.tokenRequests).toBe(0);
    h.auth.setLatency(2_000);
    const controller = new AbortController();
    const pending = source()(context(undefined, controller.signal));
    await expect.poll(() => h.auth.stats.tokenRequests, { interval: 5 }).toBe(1);
    controller.abort(reason);
    await expect(pending).rejects.toBe(reason);
  });
});

describe('clientCredentials options', () => {
  const valid = { tokenUrl: TOKEN_URL, clientId: 'app', clientSecret: SECRET };
  it.each([
    [{ tokenUrl: 'ftp://x/token' }, 'tokenUrl'],
    [{ tokenUrl: 'nope' }, 'tokenUrl'],
    [{ clientId: '' }, 'clientId'],
    [{ clientSecret: undefined }, 'clientSecret'],
    [{ authMethod: 'password' }, 'authMethod'],
    [{ authMethod: 'private_key_jwt' }, 'privateKey'],
    [{ privateKey: 'not a key' }, 'privateKey'],
    [{ resource: 'not a uri' }, 'resource'],
    [{ resource: ['https://api.test/#frag'] }, 'resource'],
    [{ issuer: 'https://auth.test/' }, 'tokenUrl'],
    [{ scope: ['a b'] }, 'scope'],
    [{ scope: 5 }, 'scope'],
    [{ audience: '' }, 'audience'],
    [{ fetch: 'fetch' }, 'fetch'],
    [{ headers: { a: 1 } }, 'headers'],
  ])('%o throws a TypeError naming "%s"', (override, name) => {
    const options = { ...valid, ...override } as unknown as ClientCredentialsOptions;
    expect(() => clientCredentials(options)).toThrow(
      expect.objectContaining({ name: 'TypeError', message: expect.stringContaining(`"${name}"`) }),
    );
  });

  it('rejects a misspelt option, naming it and the known ones', () => {
    const options = { ...valid, audiance: 'api' } as ClientCredentialsOptions;
    expect(() => clientCredentials(options)).toThrow(
      new TypeError(
        'clientCredentials: unknown option "audiance" (known: tokenUrl, issuer, clientId, clientSecret, authMethod, privateKey, keyId, assertionAudience, scope, resource, audience, fetch, headers, dpop)',
      ),
    );
  });

  it('accepts a URL object, and a path where something resolves it (a page, or its own fetch)', () => {
    expect(clientCredentials({ ...valid, tokenUrl: new URL(TOKEN_URL) })).toBeTypeOf('function');
    const path = { ...valid, tokenUrl: '/oauth/token' };
    expect(clientCredentials({ ...path, fetch: globalThis.fetch })).toBeTypeOf('function');
    vi.stubGlobal('location', new URL('https://app.example.com/login'));
    try {
      expect(clientCredentials(path)).toBeTypeOf('function');
    } finally {
      vi.unstubAllGlobals();
    }
  });

  it('a path-only URL with no base URL to resolve it (Node, no fetch option) is a TypeError at creation', () => {
    expect(globalThis.location).toBeUndefined();
    const message =
      /option "tokenUrl" must be an absolute http\(s\) URL here: a path such as "\/oauth\/token" only works/;
    expect(() => clientCredentials({ ...valid, tokenUrl: '/oauth/token?x=1' })).toThrow(TypeError);
    expect(() => clientCredentials({ ...valid, tokenUrl: '/oauth/token' })).toThrow(message);
    expect(() => refreshTokenGrant({ tokenUrl: '/oauth/token', clientId: 'app', refreshToken: 'r' })).toThrow(
      /^refreshTokenGrant: option "tokenUrl" must be an absolute/,
    );
    expect(() => revocation({ revocationUrl: '/oauth/revoke', clientId: 'app' })).toThrow(
      /^revocation: option "revocationUrl" must be an absolute http\(s\) URL here/,
    );
  });

  it('rejects with a final TokenRefreshError when no fetch exists', async () => {
    vi.stubGlobal('fetch', undefined);
    try {
      const error = await failure(clientCredentials(valid)(context()));
      expect(error).toMatchObject({ retryable: false });
    } finally {
      vi.unstubAllGlobals();
    }
  });
});
