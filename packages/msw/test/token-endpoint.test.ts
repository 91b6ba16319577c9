import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createMockAuthServer } from '../src/index.js';
import { postToken } from './helpers.js';

const tokenUrl = 'https://auth.example.test/oauth/token';
const app = { id: 'app', secret: 's3cret' };
const auth = createMockAuthServer({
  tokenUrl,
  clients: [
    { clientId: 'app', clientSecret: 's3cret', scopes: ['read', 'write'] },
    { clientId: 'spa' },
    { clientId: 'cc-only', clientSecret: 'x', grants: ['client_credentials'] },
    { clientId: 'special', clientSecret: 'p@ss:wörd +/=' },
  ],
  accessTokenTtlMs: 60_000,
  issueRefreshTokens: true,
});
const server = setupServer(...auth.handlers);

beforeAll(() => server.listen({ onUnhandledFrame: 'error' }));
afterEach(() => {
  auth.reset();
  vi.useRealTimers();
});
afterAll(() => server.close());

async function expectError(res: Response, status: number, error: string) {
  expect(res.status).toBe(status);
  expect(res.headers.get('Cache-Control')).toBe('no-store');
  const body = await res.json();
  expect(body).toEqual({ error, error_description: expect.any(String) });
  return body as { error: string; error_description: string };
}

describe('client_credentials', () => {
  it('issues an RFC 6749 token response with Basic authentication', async () => {
    const res = await postToken(tokenUrl, { grant_type: 'client_credentials' }, app);
    expect(res.status).toBe(200);
    expect(res.headers.get('Cache-Control')).toBe('no-store');
    expect(res.headers.get('Pragma')).toBe('no-cache');
    const body = await res.json();
    expect(body).toEqual({
      access_token: expect.stringMatching(/^mock_at_/),
      token_type: 'Bearer',
      expires_in: 60,
      refresh_token: expect.stringMatching(/^mock_rt_/),
      scope: 'read write',
    });
    expect(auth.stats).toMatchObject({ tokenRequests: 1, tokensIssued: 1, refreshTokensIssued: 1 });
    expect(auth.stats.tokenRequestsByGrant).toEqual({
      client_credentials: 1,
      refresh_token: 0,
      authorization_code: 0,
      jwt_bearer: 0,
      token_exchange: 0,
      other: 0,
    });
  });

  it('accepts client_secret_post and form-url-decodes Basic credentials', async () => {
    const post = await postToken(tokenUrl, {
      grant_type: 'client_credentials',
      client_id: 'app',
      client_secret: 's3cret',
    });
    expect(post.status).toBe(200);
    const special = await postToken(
      tokenUrl,
      { grant_type: 'client_credentials' },
      { id: 'special', secret: 'p@ss:wörd +/=' },
    );
    expect(special.status).toBe(200);
  });

  it('grants requested scopes within the client scopes, and refuses others', async () => {
    const res = await postToken(tokenUrl, { grant_type: 'client_credentials', scope: 'read' }, app);
    expect((await res.json()).scope).toBe('read');
    await expectError(
      await postToken(tokenUrl, { grant_type: 'client_credentials', scope: 'admin' }, app),
      400,
      'invalid_scope',
    );
    expect(auth.stats.tokenErrors.invalid_scope).toBe(1);
  });

  it('records the audience on the issued token', async () => {
    const res = await postToken(tokenUrl, { grant_type: 'client_credentials', audience: 'https://api' }, app);
    expect(auth.introspect((await res.json()).access_token)).toMatchObject({
      audience: 'https://api',
      clientId: 'app',
    });
  });

  it('refuses public clients with unauthorized_client', async () => {
    await expectError(
      await postToken(tokenUrl, { grant_type: 'client_credentials', client_id: 'spa' }),
      400,
      'unauthorized_client',
    );
  });
});

describe('client authentication and request errors', () => {
  it('answers invalid_client with 401 and WWW-Authenticate for a bad Basic secret', async () => {
    const res = await postToken(
      tokenUrl,
      { grant_type: 'client_credentials' },
      { id: 'app', secret: 'wrong' },
    );
    const body = await expectError(res, 401, 'invalid_client');
    expect(res.headers.get('WWW-Authenticate')).toBe(
      'Basic realm="https://auth.example.test", error="invalid_client", error_description="client authentication failed"',
    );
    expect(body.error_description).not.toContain('wrong');
  });

  it('answers a malformed Basic header with 400 invalid_request, without WWW-Authenticate (as oidc-provider)', async () => {
    for (const authorization of ['Basic !!!', `Basic ${btoa('no-colon')}`, 'Basic']) {
      const res = await fetch(tokenUrl, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded', Authorization: authorization },
        body: 'grant_type=client_credentials',
      });
      await expectError(res, 400, 'invalid_request');
      expect(res.headers.get('WWW-Authenticate')).toBeNull();
    }
    const twoMethods = await postToken(
      tokenUrl,
      { grant_type: 'client_credentials', client_secret: 's3cret' },
      app,
    );
    await expectError(twoMethods, 400, 'invalid_request');
    expect(twoMethods.headers.get('WWW-Authenticate')).toBeNull();
  });

  it('sends JSON with charset=utf-8 on success and error', async () => {
    const ok = await postToken(tokenUrl, { grant_type: 'client_credentials' }, app);
    const bad = await postToken(tokenUrl, { grant_type: 'password' }, app);
    expect([ok.headers.get('Content-Type'), bad.headers.get('Content-Type')]).toEqual([
      'application/json; charset=utf-8',
      'application/json; charset=utf-8',
    ]);
  });

  it('answers invalid_client for unknown clients, wrong post secrets and missing authentication', async () => {
    await expectError(
      await postToken(tokenUrl, { grant_type: 'client_credentials' }, { id: 'nobody', secret: 'x' }),
      401,
      'invalid_client',
    );
    await expectError(
      await postToken(tokenUrl, { grant_type: 'client_credentials', client_id: 'app', client_secret: 'no' }),
      401,
      'invalid_client',
    );
    await expectError(
      await postToken(tokenUrl, { grant_type: 'client_credentials', client_id: 'app' }),
      401,
      'invalid_client',
    );
    await expectError(await postToken(tokenUrl, { grant_type: 'client_credentials' }), 401, 'invalid_client');
    expect(auth.stats.tokenErrors.invalid_client).toBe(4);
  });

  it('answers invalid_request for a wrong content type, duplicates, two auth methods and no grant_type', async () => {
    const json = await fetch(tokenUrl, {
      method: 'POST',
      body: JSON.stringify({ grant_type: 'client_credentials' }),
      headers: { 'Content-Type': 'application/json' },
    });
    await expectError(json, 400, 'invalid_request');
    const dup = await fetch(tokenUrl, {
      method: 'POST',
      body: 'grant_type=client_credentials&grant_type=client_credentials&client_id=app&client_secret=s3cret',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    });
    await expectError(dup, 400, 'invalid_request');
    await expectError(
      await postToken(tokenUrl, { grant_type: 'client_credentials', client_secret: 's3cret' }, app),
      400,
      'invalid_request',
    );
    await expectError(await postToken(tokenUrl, {}, app), 400, 'invalid_request');
    expect(auth.stats.tokenRequestsByGrant.other).toBe(2);
  });

  it('answers unsupported_grant_type and unauthorized_client', async () => {
    await expectError(
      await postToken(tokenUrl, { grant_type: 'password' }, app),
      400,
      'unsupported_grant_type',
    );
    const res = await postToken(
      tokenUrl,
      { grant_type: 'refresh_token', refresh_token: 'x' },
      { id: 'cc-only', secret: 'x' },
    );
    await expectError(res, 400, 'unauthorized_client');
  });

  it('allows only the configured client authentication methods', async () => {
    const basicOnly = createMockAuthServer({
      tokenUrl,
      clients: [{ clientId: 'app', clientSecret: 's3cret' }],
      clientAuthMethods: ['client_secret_basic'],
    });
    await server.boundary(async () => {
      server.use(...basicOnly.handlers);
      await expectError(
        await postToken(tokenUrl, {
          grant_type: 'client_credentials',
          client_id: 'app',
          client_secret: 's3cret',
        }),
        401,
        'invalid_client',
      );
      expect((await postToken(tokenUrl, { grant_type: 'client_credentials' }, app)).status).toBe(200);
    })();
  });
});

describe('refresh_token', () => {
  async function login() {
    const res = await postToken(tokenUrl, { grant_type: 'client_credentials' }, app);
    return (await res.json()) as { access_token: string; refresh_token: string };
  }

  it('rotates the refresh token and issues a new access token', async () => {
    const first = await login();
    const res = await postToken(
      tokenUrl,
      { grant_type: 'refresh_token', refresh_token: first.refresh_token },
      app,
    );
    const body = await res.json();
    expect(res.status).toBe(200);
    expect(body.refresh_token).toMatch(/^mock_rt_/);
    expect(body.refresh_token).not.toBe(first.refresh_token);
    expect(body.access_token).not.toBe(first.access_token);
    expect(auth.introspect(first.refresh_token)?.status).toBe('rotated');
    expect(auth.stats.tokenRequestsByGrant.refresh_token).toBe(1);
  });

  it('lets public clients refresh with client_id only', async () => {
    const refreshToken = auth.issueRefreshToken('spa');
    const res = await postToken(tokenUrl, {
      grant_type: 'refresh_token',
      refresh_token: refreshToken,
      client_id: 'spa',
    });
    expect(res.status).toBe(200);
  });

  it('may narrow the scope but not widen it', async () => {
    const { refresh_token } = await login();
    const narrow = await postToken(
      tokenUrl,
      { grant_type: 'refresh_token', refresh_token, scope: 'read' },
      app,
    );
    const body = await narrow.json();
    expect(body.scope).toBe('read');
    const wide = await postToken(
      tokenUrl,
      { grant_type: 'refresh_token', refresh_token: body.refresh_token, scope: 'read admin' },
      app,
    );
    await expectError(wide, 400, 'invalid_scope');
  });

  it('answers invalid_grant for missing-owner, unknown, revoked and expired refresh tokens', async () => {
    await expectError(
      await postToken(tokenUrl, { grant_type: 'refresh_token' }, app),
      400,
      'invalid_request',
    );
    await expectError(
      await postToken(tokenUrl, { grant_type: 'refresh_token', refresh_token: 'nope' }, app),
      400,
      'invalid_grant',
    );
    const spaToken = auth.issueRefreshToken('spa');
    await expectError(
      await postToken(tokenUrl, { grant_type: 'refresh_token', refresh_token: spaToken }, app),
      400,
      'invalid_grant',
    );
    const revoked = auth.issueRefreshToken('app');
    auth.revokeAll();
    await expectError(
      await postToken(tokenUrl, { grant_type: 'refresh_token', refresh_token: revoked }, app),
      400,
      'invalid_grant',
    );
    expect(auth.stats.tokenErrors.invalid_grant).toBe(3);
  });

  it('expires refresh tokens after refreshTokenTtlMs, following fake timers', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const shortLived = createMockAuthServer({
      tokenUrl,
      clients: [{ clientId: 'spa' }],
      refreshTokenTtlMs: 10_000,
    });
    const refreshToken = shortLived.issueRefreshToken('spa');
    await server.boundary(async () => {
      server.use(...shortLived.handlers);
      vi.advanceTimersByTime(9_999);
      expect(shortLived.introspect(refreshToken)?.status).toBe('active');
      vi.advanceTimersByTime(1);
      const res = await postToken(tokenUrl, {
        grant_type: 'refresh_token',
        refresh_token: refreshToken,
        client_id: 'spa',
      });
      const body = await expectError(res, 400, 'invalid_grant');
      expect(body.error_description).toContain('expired');
    })();
  });

  it('keeps the refresh token when rotation is off (no refresh_token in the response)', async () => {
    const fixed = createMockAuthServer({
      tokenUrl,
      clients: [{ clientId: 'spa' }],
      rotateRefreshTokens: false,
    });
    const refreshToken = fixed.issueRefreshToken('spa');
    await server.boundary(async () => {
      server.use(...fixed.handlers);
      for (let i = 0; i < 2; i += 1) {
        const res = await postToken(tokenUrl, {
          grant_type: 'refresh_token',
          refresh_token: refreshToken,
          client_id: 'spa',
        });
        expect(await res.json()).not.toHaveProperty('refresh_token');
      }
      expect(fixed.stats.reuseDetections).toBe(0);
      expect(fixed.stats.tokensIssued).toBe(2);
    })();
  });
});
