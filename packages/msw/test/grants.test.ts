/**
 * The JWT bearer grant (RFC 7523 §2.1) and token exchange (RFC 8693) at the mock token endpoint:
 * off unless a client lists them in `grants`, and their request checks.
 */
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createMockAuthServer } from '../src/index.js';
import { base64url } from '../src/jwt.js';
import { postToken } from './helpers.js';

const JWT_BEARER = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
const EXCHANGE = 'urn:ietf:params:oauth:grant-type:token-exchange';
const ACCESS = 'urn:ietf:params:oauth:token-type:access_token';
const tokenUrl = 'https://auth.grants.test/oauth/token';
const secret = 'grant-test-secret';
const auth = createMockAuthServer({
  tokenUrl,
  accessTokenFormat: 'jwt',
  omitExpiresIn: true,
  clients: [
    { clientId: 'svc', clientSecret: secret, grants: [JWT_BEARER, EXCHANGE] },
    { clientId: 'plain', clientSecret: secret },
  ],
});
const server = setupServer(...auth.handlers);
beforeAll(() => server.listen({ onUnhandledFrame: 'error' }));
afterEach(() => auth.reset());
afterAll(() => server.close());

const svc = { id: 'svc', secret };

async function hs256(claims: Record<string, unknown>): Promise<string> {
  const key = await crypto.subtle.importKey(
    'raw',
    new TextEncoder().encode(secret),
    { name: 'HMAC', hash: 'SHA-256' },
    false,
    ['sign'],
  );
  const input = `${base64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }))}.${base64url(JSON.stringify(claims))}`;
  const signature = await crypto.subtle.sign('HMAC', key, new TextEncoder().encode(input));
  return `${input}.${base64url(new Uint8Array(signature))}`;
}

const claims = (jti: string) => {
  const now = Math.floor(Date.now() / 1000);
  return { iss: 'svc', sub: 'user-7', aud: tokenUrl, jti, iat: now, exp: now + 60 };
};

async function errorOf(res: Response): Promise<string> {
  return ((await res.json()) as { error: string }).error;
}

function claimsOfToken(body: { access_token: string }): Record<string, unknown> {
  return JSON.parse(atob(body.access_token.split('.')[1]!.replace(/-/g, '+').replace(/_/g, '/')));
}

describe('jwt-bearer grant', () => {
  it('issues a token for the assertion sub; a replayed jti or a missing assertion is refused', async () => {
    const assertion = await hs256(claims('one'));
    const ok = await postToken(tokenUrl, { grant_type: JWT_BEARER, assertion }, svc);
    expect(ok.status).toBe(200);
    const body = (await ok.json()) as { access_token: string };
    expect(body).not.toHaveProperty('expires_in');
    expect(auth.introspect(body.access_token)).toMatchObject({ sub: 'user-7', clientId: 'svc' });
    const replay = await postToken(tokenUrl, { grant_type: JWT_BEARER, assertion }, svc);
    expect(await errorOf(replay)).toBe('invalid_grant');
    expect(await errorOf(await postToken(tokenUrl, { grant_type: JWT_BEARER }, svc))).toBe('invalid_request');
    const noSub = await hs256({ ...claims('two'), sub: undefined });
    expect(await errorOf(await postToken(tokenUrl, { grant_type: JWT_BEARER, assertion: noSub }, svc))).toBe(
      'invalid_grant',
    );
    expect(auth.stats.tokenRequestsByGrant.jwt_bearer).toBe(4);
  });

  it('is off for clients that do not list it', async () => {
    const assertion = await hs256({ ...claims('three'), iss: 'plain', sub: 'plain' });
    const res = await postToken(tokenUrl, { grant_type: JWT_BEARER, assertion }, { id: 'plain', secret });
    expect(await errorOf(res)).toBe('unauthorized_client');
  });
});

describe('token exchange', () => {
  it('issues issued_token_type and an act claim for the actor', async () => {
    const subject = await auth.signAccessToken('plain', { sub: 'alice' });
    const actor = await auth.signAccessToken('svc');
    const res = await postToken(
      tokenUrl,
      {
        grant_type: EXCHANGE,
        subject_token: subject,
        subject_token_type: ACCESS,
        actor_token: actor,
        actor_token_type: ACCESS,
      },
      svc,
    );
    expect(res.status).toBe(200);
    const body = (await res.json()) as { access_token: string; issued_token_type: string };
    expect(body.issued_token_type).toBe(ACCESS);
    expect(claimsOfToken(body)).toMatchObject({ sub: 'alice', act: { sub: 'svc' }, client_id: 'svc' });
    expect(auth.stats.tokenRequestsByGrant.token_exchange).toBe(1);
  });

  it.each<[string, Record<string, string>]>([
    ['no subject_token', { subject_token_type: ACCESS }],
    ['no subject_token_type', { subject_token: 'SUBJECT' }],
    ['an unknown subject_token_type', { subject_token: 'SUBJECT', subject_token_type: 'urn:x' }],
    ['an unknown subject_token', { subject_token: 'nope', subject_token_type: ACCESS }],
    [
      'actor_token_type without actor_token',
      { subject_token: 'SUBJECT', subject_token_type: ACCESS, actor_token_type: ACCESS },
    ],
    [
      'an actor_token without its type',
      { subject_token: 'SUBJECT', subject_token_type: ACCESS, actor_token: 'SUBJECT' },
    ],
    [
      'an unsupported requested_token_type',
      {
        subject_token: 'SUBJECT',
        subject_token_type: ACCESS,
        requested_token_type: 'urn:ietf:params:oauth:token-type:saml2',
      },
    ],
  ])('%s is invalid_request', async (_name, params) => {
    const subject = await auth.signAccessToken('plain', { sub: 'alice' });
    const form = Object.fromEntries(
      Object.entries(params).map(([k, v]) => [k, v === 'SUBJECT' ? subject : v]),
    );
    const res = await postToken(tokenUrl, { grant_type: EXCHANGE, ...form }, svc);
    expect(res.status).toBe(400);
    expect(await errorOf(res)).toBe('invalid_request');
  });

  it('accepts the grants in a client\'s "grants" and rejects unknown ones', () => {
    expect(() =>
      createMockAuthServer({ tokenUrl, clients: [{ clientId: 'x', grants: [EXCHANGE, JWT_BEARER] }] }),
    ).not.toThrow();
    expect(() =>
      createMockAuthServer({
        tokenUrl,
        clients: [{ clientId: 'x', grants: ['password' as typeof EXCHANGE] }],
      }),
    ).toThrow(expect.objectContaining({ message: expect.stringContaining('"clients[0].grants"') }));
  });
});
