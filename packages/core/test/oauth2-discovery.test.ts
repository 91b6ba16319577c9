/**
 * Discovery (OpenID Connect Discovery / RFC 8414) against a real OpenID Provider, and transport
 * safety of the sources.
 */
import { HttpResponse, http } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createTokenVault, TokenRefreshError } from '../src/index.js';
import { clientCredentials, discoverIssuer, refreshTokenGrant } from '../src/oauth2.js';
import { context } from './oauth2Harness.js';
import { OP_SECRET, useOidcProvider } from './oidcHarness.js';

const h = useOidcProvider();
const WELL_KNOWN = '/.well-known/openid-configuration';
const basic = () => ({ clientId: 'basic', clientSecret: OP_SECRET });

describe('discovery against oidc-provider', () => {
  it('good: the token endpoint comes from the metadata, fetched once for many token requests', async () => {
    const before = h.op.count(WELL_KNOWN);
    const source = clientCredentials({ issuer: h.op.issuer, ...basic() });
    const tokens = await Promise.all(Array.from({ length: 5 }, () => source(context())));
    await source(context());
    expect(new Set(tokens.map((t) => t.accessToken)).size).toBe(5);
    expect(h.op.count(WELL_KNOWN) - before).toBe(1);
  });

  it('discoverIssuer returns the checked document', async () => {
    const metadata = await discoverIssuer(h.op.issuer);
    expect(metadata).toMatchObject({
      issuer: h.op.issuer,
      token_endpoint: h.op.tokenEndpoint,
      revocation_endpoint: `${h.op.issuer}/token/revocation`,
    });
  });

  it('wrong issuer: a document naming another issuer is a final issuer_mismatch, no token request', async () => {
    const port = new URL(h.op.issuer).port;
    const asked = `http://localhost:${port}`;
    const before = h.op.count('/token');
    const vault = createTokenVault({ fetchToken: clientCredentials({ issuer: asked, ...basic() }) });
    const results = await Promise.allSettled([vault.getToken(), vault.getToken()]);
    for (const result of results) {
      expect(result).toMatchObject({
        status: 'rejected',
        reason: { code: 'issuer_mismatch', retryable: false },
      });
    }
    expect(h.op.count('/token')).toBe(before);
    await vault.close();
  });

  it('down then up: the failure is retryable and not cached; the next call discovers again and succeeds', async () => {
    const before = h.op.count(WELL_KNOWN);
    h.op.failNext(WELL_KNOWN, 503);
    const source = clientCredentials({ issuer: h.op.issuer, ...basic() });
    const failed = await source(context()).catch((error: unknown) => error);
    expect(failed).toBeInstanceOf(TokenRefreshError);
    expect(failed).toMatchObject({ code: 'discovery_failed', retryable: true });
    await expect(source(context())).resolves.toMatchObject({ accessToken: expect.any(String) });
    await source(context());
    expect(h.op.count(WELL_KNOWN) - before).toBe(2);
  });

  it('a vault retries a discovery outage and then gets its token', async () => {
    h.op.failNext(WELL_KNOWN, 503, 2);
    const vault = createTokenVault({
      fetchToken: clientCredentials({ issuer: h.op.issuer, ...basic() }),
      retry: { retries: 3, baseDelayMs: 0, maxDelayMs: 0 },
    });
    await expect(vault.getToken()).resolves.toMatchObject({ tokenType: 'Bearer' });
    await vault.close();
  });
});

describe('discovery documents (MSW)', () => {
  const server = setupServer();
  beforeAll(() => server.listen({ onUnhandledFrame: 'error' } as Parameters<typeof server.listen>[0]));
  afterAll(() => server.close());

  it('falls back to RFC 8414 when openid-configuration is 404, and picks client_secret_post when only that is supported', async () => {
    const issuer = 'https://as.example.test/tenant';
    const bodies: string[] = [];
    const auths: Array<string | null> = [];
    server.use(
      http.get(
        'https://as.example.test/tenant/.well-known/openid-configuration',
        () => new HttpResponse(null, { status: 404 }),
      ),
      http.get('https://as.example.test/.well-known/oauth-authorization-server/tenant', () =>
        HttpResponse.json({
          issuer,
          token_endpoint: 'https://as.example.test/tenant/token',
          token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt'],
        }),
      ),
      http.post('https://as.example.test/tenant/token', async ({ request }) => {
        auths.push(request.headers.get('authorization'));
        bodies.push(await request.text());
        return HttpResponse.json({ access_token: 'at', token_type: 'Bearer', expires_in: 60 });
      }),
    );
    const source = clientCredentials({ issuer, clientId: 'c', clientSecret: 's3cret' });
    await expect(source(context())).resolves.toMatchObject({ accessToken: 'at' });
    expect(auths).toEqual([null]);
    expect(new URLSearchParams(bodies[0])).toEqual(
      new URLSearchParams({ grant_type: 'client_credentials', client_id: 'c', client_secret: 's3cret' }),
    );
  });

  it('an http: token endpoint off loopback in the document is refused (insecure_endpoint)', async () => {
    const issuer = 'https://bad.example.test';
    server.use(
      http.get(`${issuer}${WELL_KNOWN}`, () =>
        HttpResponse.json({ issuer, token_endpoint: 'http://bad.example.test/token' }),
      ),
    );
    const source = refreshTokenGrant({ issuer, clientId: 'spa', refreshToken: 'rt' });
    await expect(source(context())).rejects.toMatchObject({ code: 'insecure_endpoint', retryable: false });
  });
});

describe('transport safety', () => {
  it.each([
    [
      'clientCredentials',
      'tokenUrl',
      () =>
        clientCredentials({ tokenUrl: 'http://auth.example.com/token', clientId: 'a', clientSecret: 's' }),
    ],
    [
      'clientCredentials',
      'issuer',
      () => clientCredentials({ issuer: 'http://auth.example.com', clientId: 'a', clientSecret: 's' }),
    ],
    [
      'refreshTokenGrant',
      'tokenUrl',
      () => refreshTokenGrant({ tokenUrl: 'http://10.0.0.1/token', clientId: 'a', refreshToken: 'r' }),
    ],
    [
      'refreshTokenGrant',
      'issuer',
      () => refreshTokenGrant({ issuer: 'http://[::2]:8080', clientId: 'a', refreshToken: 'r' }),
    ],
  ])('%s refuses an http: %s off loopback at creation (TypeError naming it)', (_source, option, create) => {
    expect(create).toThrow(
      expect.objectContaining({ name: 'TypeError', message: expect.stringContaining(`"${option}"`) }),
    );
  });

  it.each([
    'http://localhost:8080/token',
    'http://127.0.0.1/token',
    'http://127.10.20.30:9000/token',
    'http://[::1]:8080/token',
    'https://auth.example.com/token',
  ])('allows %s', (tokenUrl) => {
    expect(clientCredentials({ tokenUrl, clientId: 'a', clientSecret: 's' })).toBeTypeOf('function');
    expect(refreshTokenGrant({ tokenUrl, clientId: 'a', refreshToken: 'r' })).toBeTypeOf('function');
  });

  it('allows /oauth/token in a page (resolved against its location)', () => {
    vi.stubGlobal('location', new URL('https://app.example.com/'));
    try {
      const tokenUrl = '/oauth/token';
      expect(clientCredentials({ tokenUrl, clientId: 'a', clientSecret: 's' })).toBeTypeOf('function');
      expect(refreshTokenGrant({ tokenUrl, clientId: 'a', refreshToken: 'r' })).toBeTypeOf('function');
    } finally {
      vi.unstubAllGlobals();
    }
  });
});
