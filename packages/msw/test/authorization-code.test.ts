/**
 * The authorization-code grant with PKCE, without a UI: `login()` and the authorize endpoint,
 * the code exchange, the OpenID `id_token`, and refreshes — over real HTTP (`listen()`).
 */
import { createHash, randomBytes } from 'node:crypto';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createMockAuthServer, type MockAuthHttpServer } from '../src/index.js';
import { postToken } from './helpers.js';

const REDIRECT = 'http://127.0.0.1:1/callback';
const web = { id: 'web', secret: 'web-secret' };
const auth = createMockAuthServer({
  tokenUrl: '/oauth/token',
  accessTokenFormat: 'jwt',
  clients: [
    { clientId: 'web', clientSecret: web.secret, redirectUris: [REDIRECT] },
    { clientId: 'spa', redirectUris: [REDIRECT] },
  ],
});
let running: MockAuthHttpServer;
beforeAll(async () => {
  running = await auth.listen();
});
afterAll(() => running.close());
beforeEach(() => auth.reset());

function pkce() {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

type Tokens = { access_token: string; refresh_token?: string; id_token?: string; scope?: string };

async function exchange(code: string, verifier: string | undefined, client = web): Promise<Response> {
  const params: Record<string, string> = { grant_type: 'authorization_code', code, redirect_uri: REDIRECT };
  if (verifier) params.code_verifier = verifier;
  return postToken(running.tokenUrl, params, client);
}

describe('login() and the code exchange', () => {
  it('issues tokens for the user, and an id_token (nonce, signed with the JWKS key) when openid is asked', async () => {
    const { verifier, challenge } = pkce();
    const code = auth.login({
      clientId: 'web',
      sub: 'alice',
      scopes: ['openid', 'offline_access', 'orders:read'],
      redirectUri: REDIRECT,
      codeChallenge: challenge,
      nonce: 'n-0S6',
    });
    const res = await exchange(code, verifier);
    expect(res.status).toBe(200);
    const tokens = (await res.json()) as Tokens;
    expect(tokens.scope).toBe('openid offline_access orders:read');
    expect(tokens.refresh_token).toMatch(/^mock_rt_/);
    const jwks = createRemoteJWKSet(new URL(`${running.url}/oauth/jwks`));
    const { payload: id } = await jwtVerify(tokens.id_token!, jwks, { issuer: running.url, audience: 'web' });
    expect(id).toEqual({
      iss: running.url,
      sub: 'alice',
      aud: 'web',
      iat: id.iat,
      exp: id.exp,
      nonce: 'n-0S6',
    });
    const { payload: at } = await jwtVerify(tokens.access_token, jwks, { typ: 'at+jwt' });
    expect([at.sub, at.client_id]).toEqual(['alice', 'web']);
  });

  it('gives no refresh token for openid without offline_access, but does for a plain OAuth login', async () => {
    const openid = (await (
      await exchange(auth.login({ clientId: 'web', scopes: ['openid'] }), undefined)
    ).json()) as Tokens;
    expect(openid).not.toHaveProperty('refresh_token');
    expect(openid.id_token).toBeDefined();
    const plain = (await (
      await exchange(auth.login({ clientId: 'web', scopes: ['orders:read'] }), undefined)
    ).json()) as Tokens;
    expect(plain.refresh_token).toMatch(/^mock_rt_/);
    expect(plain).not.toHaveProperty('id_token');
  });

  it('keeps issuing an id_token on refresh while openid is granted (without the nonce)', async () => {
    const code = auth.login({
      clientId: 'web',
      sub: 'bob',
      scopes: ['openid', 'offline_access'],
      nonce: 'n',
    });
    const first = (await (await exchange(code, undefined)).json()) as Tokens;
    const res = await postToken(
      running.tokenUrl,
      { grant_type: 'refresh_token', refresh_token: first.refresh_token! },
      web,
    );
    const refreshed = (await res.json()) as Tokens;
    const jwks = createRemoteJWKSet(new URL(`${running.url}/oauth/jwks`));
    const { payload } = await jwtVerify(refreshed.id_token!, jwks, { audience: 'web' });
    expect([payload.sub, payload.nonce]).toEqual(['bob', undefined]);
  });

  it('checks PKCE, the redirect_uri and single use (a replay revokes what the code issued)', async () => {
    const { verifier, challenge } = pkce();
    const login = () => auth.login({ clientId: 'web', redirectUri: REDIRECT, codeChallenge: challenge });
    const errorOf = async (res: Response) => [res.status, ((await res.json()) as { error: string }).error];
    expect(await errorOf(await exchange(login(), pkce().verifier))).toEqual([400, 'invalid_grant']);
    expect(await errorOf(await exchange(login(), undefined))).toEqual([400, 'invalid_grant']);
    const other = await postToken(
      running.tokenUrl,
      {
        grant_type: 'authorization_code',
        code: login(),
        code_verifier: verifier,
        redirect_uri: `${REDIRECT}/x`,
      },
      web,
    );
    expect(await errorOf(other)).toEqual([400, 'invalid_grant']);
    const code = login();
    const tokens = (await (await exchange(code, verifier)).json()) as Tokens;
    expect(auth.introspect(tokens.access_token)?.status).toBe('active');
    expect(await errorOf(await exchange(code, verifier))).toEqual([400, 'invalid_grant']);
    expect(auth.introspect(tokens.access_token)?.status).toBe('revoked');
  });

  it('rejects bad login options with a TypeError naming the option', () => {
    expect(() => auth.login({ clientId: 'nobody' })).toThrow(/"clientId"/);
    expect(() => auth.login({ clientId: 'web', sub: '' })).toThrow(/"sub"/);
    expect(() => auth.login({ clientId: 'web', scope: 'openid' } as never)).toThrow(/unknown option "scope"/);
  });
});

describe('the authorize endpoint', () => {
  it('approves at once and redirects with code, state and iss; the user is login_hint', async () => {
    const { verifier, challenge } = pkce();
    const url = new URL(`${running.url}/oauth/authorize`);
    url.search = new URLSearchParams({
      client_id: 'spa',
      response_type: 'code',
      redirect_uri: REDIRECT,
      scope: 'openid offline_access',
      state: 'xyz',
      login_hint: 'carol',
      code_challenge: challenge,
      code_challenge_method: 'S256',
    }).toString();
    const res = await fetch(url, { redirect: 'manual' });
    expect(res.status).toBe(303);
    const back = new URL(res.headers.get('Location')!);
    expect([
      back.origin + back.pathname,
      back.searchParams.get('state'),
      back.searchParams.get('iss'),
    ]).toEqual([REDIRECT, 'xyz', running.url]);
    const tokens = await postToken(running.tokenUrl, {
      grant_type: 'authorization_code',
      code: back.searchParams.get('code')!,
      code_verifier: verifier,
      redirect_uri: REDIRECT,
      client_id: 'spa',
    });
    const body = (await tokens.json()) as Tokens;
    expect(auth.introspect(body.access_token)).toMatchObject({ sub: 'carol', clientId: 'spa' });
  });

  it('answers 400 for an unregistered redirect_uri and redirects an error for a public client without PKCE', async () => {
    const base = { client_id: 'spa', response_type: 'code', scope: 'openid' };
    const bad = await fetch(
      `${running.url}/oauth/authorize?${new URLSearchParams({ ...base, redirect_uri: 'https://evil.test/cb' })}`,
      { redirect: 'manual' },
    );
    expect(bad.status).toBe(400);
    const noPkce = await fetch(
      `${running.url}/oauth/authorize?${new URLSearchParams({ ...base, redirect_uri: REDIRECT })}`,
      {
        redirect: 'manual',
      },
    );
    expect(new URL(noPkce.headers.get('Location')!).searchParams.get('error')).toBe('invalid_request');
  });
});
