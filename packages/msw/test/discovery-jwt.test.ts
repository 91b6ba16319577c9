import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { HttpResponse, http } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createMockAuthServer } from '../src/index.js';
import { getWith, postToken } from './helpers.js';

const origin = 'https://auth.example.test';
const tokenUrl = `${origin}/oauth/token`;
const clients = [{ clientId: 'app', clientSecret: 's3cret', scopes: ['read', 'write'] }];
const app = { id: 'app', secret: 's3cret' };
const jwt = createMockAuthServer({ tokenUrl, clients, accessTokenFormat: 'jwt', accessTokenTtlMs: 60_000 });
const rsa = createMockAuthServer({
  tokenUrl: 'https://rsa.example.test/token',
  clients,
  accessTokenFormat: 'jwt',
  signingAlg: 'RS256',
});
const server = setupServer(
  ...jwt.handlers,
  ...rsa.handlers,
  http.get(
    'https://api.example.test/me',
    jwt.protect(({ auth }) => HttpResponse.json(auth)),
  ),
);

beforeAll(() => server.listen({ onUnhandledFrame: 'error' }));
afterEach(() => jwt.reset());
afterAll(() => server.close());

describe('discovery', () => {
  it('serves RFC 8414 and OpenID metadata whose endpoints answer', async () => {
    for (const path of ['/.well-known/oauth-authorization-server', '/.well-known/openid-configuration']) {
      const res = await fetch(origin + path);
      expect(res.status).toBe(200);
      expect(res.headers.get('Content-Type')).toBe('application/json; charset=utf-8');
      expect(await res.json()).toMatchObject({
        issuer: origin,
        token_endpoint: tokenUrl,
        authorization_endpoint: `${origin}/oauth/authorize`,
        jwks_uri: `${origin}/oauth/jwks`,
        revocation_endpoint: `${origin}/oauth/revoke`,
        introspection_endpoint: `${origin}/oauth/introspect`,
        grant_types_supported: expect.arrayContaining([
          'authorization_code',
          'client_credentials',
          'refresh_token',
        ]),
        code_challenge_methods_supported: ['S256'],
        token_endpoint_auth_methods_supported: expect.arrayContaining([
          'client_secret_basic',
          'private_key_jwt',
        ]),
      });
    }
    const jwks = await (await fetch(`${origin}/oauth/jwks`)).json();
    expect(jwks).toEqual({
      keys: [expect.objectContaining({ kty: 'EC', crv: 'P-256', kid: expect.any(String) })],
    });
    expect(jwks.keys[0]).not.toHaveProperty('d');
    expect(await jwt.jwks()).toEqual(jwks);
  });

  it('honours the issuer option', async () => {
    const custom = createMockAuthServer({ tokenUrl, clients, issuer: 'https://id.example.test/' });
    await server.boundary(async () => {
      server.use(...custom.handlers);
      const doc = await (await fetch(`${origin}/.well-known/openid-configuration`)).json();
      expect(doc.issuer).toBe('https://id.example.test');
    })();
  });
});

describe('JWT access tokens (RFC 9068)', () => {
  it('signs an at+jwt with iss, sub, aud, exp, iat, jti, client_id and scope, verifiable via the JWKS', async () => {
    const res = await postToken(tokenUrl, { grant_type: 'client_credentials', scope: 'read' }, app);
    const body = await res.json();
    const jwks = createRemoteJWKSet(new URL(`${origin}/oauth/jwks`));
    const { payload, protectedHeader } = await jwtVerify(body.access_token, jwks, {
      issuer: origin,
      audience: 'app',
      typ: 'at+jwt',
    });
    expect(protectedHeader.alg).toBe('ES256');
    expect(payload).toEqual({
      iss: origin,
      sub: 'app',
      aud: 'app',
      exp: expect.any(Number),
      iat: expect.any(Number),
      jti: expect.stringMatching(/^[0-9a-f]{32}$/),
      client_id: 'app',
      scope: 'read',
    });
    expect(payload.exp! - payload.iat!).toBe(60);
    const me = await getWith('https://api.example.test/me', body.access_token);
    expect(await me.json()).toEqual({ clientId: 'app', scopes: ['read'], audience: undefined });
  });

  it('puts the requested resource (or audience) in aud', async () => {
    const res = await postToken(
      tokenUrl,
      { grant_type: 'client_credentials', resource: 'https://api.example.test' },
      app,
    );
    const { access_token: token } = await res.json();
    const { payload } = await jwtVerify(token, createRemoteJWKSet(new URL(`${origin}/oauth/jwks`)));
    expect(payload.aud).toBe('https://api.example.test');
    expect(jwt.introspect(token)?.audience).toBe('https://api.example.test');
    const bad = await postToken(tokenUrl, { grant_type: 'client_credentials', resource: 'not a uri' }, app);
    expect([bad.status, (await bad.json()).error]).toEqual([400, 'invalid_target']);
  });

  it('signs with RS256 when asked', async () => {
    const res = await postToken('https://rsa.example.test/token', { grant_type: 'client_credentials' }, app);
    const { access_token: token } = await res.json();
    expect(decodeProtectedHeader(token)).toMatchObject({ alg: 'RS256', typ: 'at+jwt' });
    const jwks = createRemoteJWKSet(new URL('https://rsa.example.test/jwks'));
    await expect(jwtVerify(token, jwks, { issuer: 'https://rsa.example.test' })).resolves.toBeDefined();
  });

  it('mints JWTs directly with signAccessToken; issueAccessToken stays opaque-only', async () => {
    expect(() => jwt.issueAccessToken('app')).toThrow(TypeError);
    const token = await jwt.signAccessToken('app', { sub: 'alice', scopes: ['write'] });
    const { payload } = await jwtVerify(token, createRemoteJWKSet(new URL(`${origin}/oauth/jwks`)));
    expect(payload).toMatchObject({ iss: origin, sub: 'alice', client_id: 'app', scope: 'write' });
    expect(jwt.introspect(token)?.status).toBe('active');
  });

  it('keeps opaque tokens by default', async () => {
    const opaque = createMockAuthServer({ tokenUrl, clients });
    expect(opaque.issueAccessToken('app')).toMatch(/^mock_at_/);
    expect(await opaque.signAccessToken('app')).toMatch(/^mock_at_/);
  });
});
