/**
 * Sessions against a real OpenID Provider: the whole code + PKCE login over HTTP seeds a vault
 * that then refreshes with rotation; `invalid_grant` ends the session (one token call however
 * many callers follow) until new tokens are handed in; logout revokes at the server.
 */
import { createMockAuthServer } from '@tokvault/msw';
import { setupServer } from 'msw/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMemoryStore, createTokenVault, TokenRefreshError, type TokenVault } from '../src/index.js';
import {
  createAuthorizationRequest,
  exchangeAuthorizationCode,
  refreshTokenGrant,
  revocation,
} from '../src/oauth2.js';
import { OP_SECRET, REDIRECT_URI, useOidcProvider } from './oidcHarness.js';

const h = useOidcProvider();
const web = () => ({ issuer: h.op.issuer, clientId: 'web', clientSecret: OP_SECRET });

async function login(clientId = 'web', clientSecret: string | null = OP_SECRET) {
  const request = await createAuthorizationRequest({
    issuer: h.op.issuer,
    clientId,
    redirectUri: REDIRECT_URI,
    scope: 'openid offline_access',
    params: { prompt: 'consent' },
  });
  const { redirect } = await h.op.login(request.url);
  return exchangeAuthorizationCode({
    issuer: h.op.issuer,
    clientId,
    ...(clientSecret ? { clientSecret } : {}),
    redirectUri: REDIRECT_URI,
    callbackUrl: redirect,
    request,
  });
}

function ends(vault: TokenVault) {
  const events: unknown[] = [];
  vault.on('session:ended', (event) => events.push(event));
  return events;
}

describe('authorization code + PKCE against oidc-provider', () => {
  it('the authorization URL carries S256 PKCE, state and the client; the login seeds a vault that refreshes with rotation', async () => {
    const request = await createAuthorizationRequest({
      issuer: h.op.issuer,
      clientId: 'web',
      redirectUri: REDIRECT_URI,
    });
    const url = new URL(request.url);
    expect(url.origin + url.pathname).toBe(`${h.op.issuer}/auth`);
    expect(Object.fromEntries(url.searchParams)).toMatchObject({
      response_type: 'code',
      client_id: 'web',
      redirect_uri: REDIRECT_URI,
      state: request.state,
      code_challenge_method: 'S256',
    });

    const tokens = await login();
    expect(tokens.refreshToken).toEqual(expect.any(String));
    const rotated: string[] = [];
    const vault = createTokenVault({
      fetchToken: refreshTokenGrant({ ...web(), onRefreshToken: (next) => void rotated.push(next) }),
    });
    const before = h.op.count('/token');
    const seeded = await vault.setTokens(tokens);
    expect(await vault.getToken()).toBe(seeded);
    await vault.refresh();
    await vault.refresh();
    expect(h.op.count('/token') - before).toBe(2);
    expect(new Set([tokens.refreshToken, ...rotated]).size).toBe(3);
    await vault.close();
  });

  it('a public client (authMethod none) logs in and refreshes', async () => {
    const tokens = await login('public', null);
    const vault = createTokenVault({
      fetchToken: refreshTokenGrant({ issuer: h.op.issuer, clientId: 'public' }),
    });
    await vault.setTokens(tokens);
    const fresh = await vault.refresh();
    expect(fresh.accessToken).not.toBe(tokens.accessToken);
    await vault.close();
  });

  it('a redirect with another state is refused before any token call', async () => {
    const request = await createAuthorizationRequest({
      issuer: h.op.issuer,
      clientId: 'web',
      redirectUri: REDIRECT_URI,
    });
    const before = h.op.count('/token');
    await expect(
      exchangeAuthorizationCode({
        ...web(),
        redirectUri: REDIRECT_URI,
        callbackUrl: `${REDIRECT_URI}?code=abc&state=forged`,
        request,
      }),
    ).rejects.toMatchObject({ code: 'state_mismatch', retryable: false });
    expect(h.op.count('/token')).toBe(before);
  });
});

describe('session end after invalid_grant (oidc-provider)', () => {
  it('before any tokens are handed in, refreshTokenGrant fails at once (no_refresh_token) without a token call', async () => {
    const before = h.op.count('/token');
    const vault = createTokenVault({ fetchToken: refreshTokenGrant(web()) });
    await expect(vault.getToken()).rejects.toMatchObject({ code: 'no_refresh_token', retryable: false });
    expect(h.op.count('/token')).toBe(before);
    await vault.close();
  });

  it('one token call, one session:ended, every later caller rejects at once with the same error, until setTokens', async () => {
    const vault = createTokenVault({ fetchToken: refreshTokenGrant(web()) });
    const events = ends(vault);
    await vault.setTokens({ accessToken: 'expired', expiresIn: 0, refreshToken: 'not-a-refresh-token' });
    const before = h.op.count('/token');
    const first = await Promise.allSettled(Array.from({ length: 20 }, () => vault.getToken()));
    const later = await Promise.allSettled([
      ...Array.from({ length: 20 }, () => vault.getToken()),
      ...Array.from({ length: 10 }, () => vault.refresh()),
    ]);
    expect(h.op.count('/token') - before).toBe(1);
    const errors = new Set([...first, ...later].map((r) => (r.status === 'rejected' ? r.reason : r)));
    expect(errors.size).toBe(1);
    const [error] = errors;
    expect(error).toBeInstanceOf(TokenRefreshError);
    expect(error).toMatchObject({ code: 'invalid_grant', retryable: false });
    expect(events).toEqual([{ name: 'default', error }]);
    expect(vault.peek()).toBeUndefined();

    const tokens = await login();
    await vault.setTokens(tokens);
    await expect(vault.refresh()).resolves.toMatchObject({ tokenType: 'Bearer' });
    expect(h.op.count('/token') - before).toBe(3); // + the login's code exchange and one refresh
    await vault.close();
  });

  it('one tab re-logging in serves the others that share the store, with no token call', async () => {
    const store = createMemoryStore();
    const a = createTokenVault({ fetchToken: refreshTokenGrant(web()), store });
    const b = createTokenVault({ fetchToken: refreshTokenGrant(web()), store });
    await a.setTokens({ accessToken: 'expired', expiresIn: 0, refreshToken: 'bogus' });
    await expect(a.getToken()).rejects.toMatchObject({ code: 'invalid_grant' });
    await expect(b.getToken()).rejects.toMatchObject({ code: 'invalid_grant' });
    const before = h.op.count('/token');
    const tokens = await login();
    const seeded = await b.setTokens(tokens);
    const after = h.op.count('/token');
    expect((await a.getToken()).accessToken).toBe(seeded.accessToken);
    expect(h.op.count('/token')).toBe(after);
    expect(after - before).toBe(1); // the code exchange only
    await Promise.all([a.close(), b.close()]);
  });
});

describe('session end after invalid_grant (@tokvault/msw)', () => {
  const server = setupServer();
  const auth = createMockAuthServer({
    tokenUrl: 'https://mock.oauth2.test/oauth/token',
    clients: [{ clientId: 'spa' }],
  });
  beforeAll(() => {
    server.use(...auth.handlers);
    server.listen();
  });
  afterAll(() => server.close());

  it('a revoked refresh token: one token call for 30 callers, then none', async () => {
    const refreshToken = auth.issueRefreshToken('spa');
    auth.revoke(refreshToken);
    const vault = createTokenVault({
      fetchToken: refreshTokenGrant({ tokenUrl: auth.tokenUrl, clientId: 'spa' }),
    });
    const events = ends(vault);
    await vault.setTokens({ accessToken: 'old', expiresIn: 0, refreshToken });
    const before = auth.stats.tokenRequests;
    await Promise.allSettled(Array.from({ length: 10 }, () => vault.getToken()));
    const later = await Promise.allSettled(Array.from({ length: 20 }, () => vault.getToken()));
    expect(auth.stats.tokenRequests - before).toBe(1);
    expect(later.every((r) => r.status === 'rejected' && r.reason.code === 'invalid_grant')).toBe(true);
    expect(events).toHaveLength(1);
    await vault.setTokens({ accessToken: 'new', expiresIn: 0, refreshToken: auth.issueRefreshToken('spa') });
    await expect(vault.getToken()).resolves.toMatchObject({ tokenType: 'Bearer' });
    expect(auth.stats.tokenRequests - before).toBe(2);
    await vault.close();
  });
});

describe('revocation (RFC 7009) against oidc-provider', () => {
  it('logout revokes the refresh token: the next refresh with it fails at the server', async () => {
    const tokens = await login();
    const vault = createTokenVault({ fetchToken: refreshTokenGrant(web()), revokeToken: revocation(web()) });
    await vault.setTokens(tokens);
    const before = h.op.count('/token/revocation');
    await vault.invalidate();
    expect(vault.peek()).toBeUndefined();
    expect(h.op.count('/token/revocation') - before).toBe(2); // refresh token, then access token
    const replay = refreshTokenGrant({ ...web(), refreshToken: tokens.refreshToken! });
    await expect(
      replay({ signal: new AbortController().signal, reason: 'initial', previous: undefined }),
    ).rejects.toMatchObject({
      code: 'invalid_grant',
    });
    expect(
      await h.op.introspect(tokens.accessToken, { clientId: 'web', clientSecret: OP_SECRET }),
    ).toMatchObject({
      active: false,
    });
    await vault.close();
  });

  it('a failed revocation is one revoke:error event and never blocks the local logout', async () => {
    const tokens = await login();
    const vault = createTokenVault({
      fetchToken: refreshTokenGrant(web()),
      revokeToken: revocation({ ...web(), tokens: 'refresh' }),
    });
    const errors: unknown[] = [];
    vault.on('revoke:error', ({ error }) => errors.push(error));
    await vault.setTokens(tokens);
    h.op.failNext('/token/revocation', 503);
    await expect(vault.invalidate()).resolves.toBeUndefined();
    expect(vault.peek()).toBeUndefined();
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ retryable: true });
    expect(JSON.stringify(errors[0]) + String(errors[0])).not.toContain(tokens.refreshToken!);
    await vault.close();
  });
});
