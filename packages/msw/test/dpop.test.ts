/**
 * The mock server's DPoP checks, with proofs built by `jose` (an independent JOSE
 * implementation): each check a real server makes refuses the proof that breaks it.
 */
import { base64url, calculateJwkThumbprint, exportJWK, generateKeyPair, type JWK, SignJWT } from 'jose';
import { HttpResponse, http } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createMockAuthServer } from '../src/index.js';

const tokenUrl = 'https://auth.dpop.test/oauth/token';
const api = 'https://api.dpop.test';
const clock = Date.UTC(2026, 0, 1);
const now = () => clock;

function server(dpop: object | boolean) {
  const auth = createMockAuthServer({
    tokenUrl,
    clients: [{ clientId: 'app', clientSecret: 's3cret' }],
    accessTokenFormat: 'jwt',
    now,
    dpop,
  });
  const msw = setupServer(
    ...auth.handlers,
    http.all(
      `${api}/me`,
      auth.protect(({ auth: info }) => HttpResponse.json(info)),
    ),
    http.all(
      `${api}/strict`,
      auth.protect(({ auth: info }) => HttpResponse.json(info), { dpop: true }),
    ),
  );
  beforeAll(() => msw.listen({ onUnhandledFrame: 'error' }));
  afterEach(() => auth.reset());
  afterAll(() => msw.close());
  return auth;
}

interface Key {
  privateKey: CryptoKey;
  jwk: JWK;
  alg: string;
}

async function key(alg: 'ES256' | 'RS256' | 'EdDSA' = 'ES256'): Promise<Key> {
  const { privateKey, publicKey } = await generateKeyPair(alg);
  return { privateKey, jwk: await exportJWK(publicKey), alg };
}

async function proof(
  k: Key,
  claims: Record<string, unknown>,
  header: Record<string, unknown> = {},
): Promise<string> {
  return new SignJWT({ jti: crypto.randomUUID(), iat: Math.floor(clock / 1000), ...claims })
    .setProtectedHeader({ alg: k.alg, typ: 'dpop+jwt', jwk: k.jwk, ...header })
    .sign(k.privateKey);
}

const basic = `Basic ${btoa('app:s3cret')}`;
function tokenRequest(dpop?: string): Promise<Response> {
  return fetch(tokenUrl, {
    method: 'POST',
    headers: {
      Authorization: basic,
      'Content-Type': 'application/x-www-form-urlencoded',
      ...(dpop ? { DPoP: dpop } : {}),
    },
    body: 'grant_type=client_credentials',
  });
}
const ath = async (token: string) =>
  base64url.encode(new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(token))));
const claimsOf = (jwt: string) => JSON.parse(new TextDecoder().decode(base64url.decode(jwt.split('.')[1]!)));

describe('mock DPoP at the token endpoint', () => {
  const auth = server({ iatWindowSeconds: 60 });

  it('a valid proof gets a DPoP token bound to the key (cnf.jkt); no proof gets Bearer', async () => {
    for (const alg of ['ES256', 'RS256', 'EdDSA'] as const) {
      const k = await key(alg);
      const response = await tokenRequest(await proof(k, { htm: 'POST', htu: tokenUrl }));
      const body = await response.json();
      expect(body.token_type).toBe('DPoP');
      expect(claimsOf(body.access_token).cnf).toEqual({ jkt: await calculateJwkThumbprint(k.jwk) });
    }
    expect((await (await tokenRequest()).json()).token_type).toBe('Bearer');
    expect(auth.dpop?.stats.proofsAccepted).toBe(3);
  });

  it.each([
    [
      'a bad signature',
      async (k: Key) => `${(await proof(k, { htm: 'POST', htu: tokenUrl })).slice(0, -4)}AAAA`,
    ],
    ['another typ', (k: Key) => proof(k, { htm: 'POST', htu: tokenUrl }, { typ: 'JWT' })],
    ['htm mismatch', (k: Key) => proof(k, { htm: 'GET', htu: tokenUrl })],
    ['htu mismatch', (k: Key) => proof(k, { htm: 'POST', htu: `${tokenUrl}/other` })],
    ['an old iat', (k: Key) => proof(k, { htm: 'POST', htu: tokenUrl, iat: Math.floor(clock / 1000) - 61 })],
    [
      'a future iat',
      (k: Key) => proof(k, { htm: 'POST', htu: tokenUrl, iat: Math.floor(clock / 1000) + 61 }),
    ],
    ['no jti', (k: Key) => proof(k, { htm: 'POST', htu: tokenUrl, jti: undefined })],
    [
      'a private jwk',
      async (k: Key) => proof(k, { htm: 'POST', htu: tokenUrl }, { jwk: { ...k.jwk, d: 'x' } }),
    ],
    ['not a JWS', async () => 'not-a-jwt'],
  ])('%s: 400 invalid_dpop_proof', async (_name, make) => {
    const response = await tokenRequest(await make(await key()));
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: 'invalid_dpop_proof' });
    expect(auth.stats.tokensIssued).toBe(0);
  });

  it('a replayed jti is refused', async () => {
    const replayed = await proof(await key(), { htm: 'POST', htu: tokenUrl });
    expect((await tokenRequest(replayed)).status).toBe(200);
    const again = await tokenRequest(replayed);
    expect(again.status).toBe(400);
    expect(await again.json()).toMatchObject({ error: 'invalid_dpop_proof' });
    expect(auth.dpop?.stats.lastInvalidReason).toBe('jti replayed');
  });
});

describe('mock DPoP at protected resources', () => {
  server(true);

  async function bound(k: Key): Promise<string> {
    const body = await (await tokenRequest(await proof(k, { htm: 'POST', htu: tokenUrl }))).json();
    return body.access_token;
  }
  const call = (path: string, authorization: string, dpop?: string, method = 'GET') =>
    fetch(`${api}${path}?q=1`, {
      method,
      headers: { Authorization: authorization, ...(dpop ? { DPoP: dpop } : {}) },
    });

  it('a bound token with a proof by its key (ath, htm, htu without the query) passes', async () => {
    const k = await key();
    const token = await bound(k);
    const response = await call(
      '/me',
      `DPoP ${token}`,
      await proof(k, { htm: 'GET', htu: `${api}/me`, ath: await ath(token) }),
    );
    expect(response.status).toBe(200);
    expect((await response.json()).jkt).toBe(await calculateJwkThumbprint(k.jwk));
  });

  it('refuses: no ath, a wrong ath, another key, no proof, the token as Bearer', async () => {
    const k = await key();
    const token = await bound(k);
    const cases: Array<[string | undefined, string, string]> = [
      [await proof(k, { htm: 'GET', htu: `${api}/me` }), `DPoP ${token}`, 'invalid_dpop_proof'],
      [
        await proof(k, { htm: 'GET', htu: `${api}/me`, ath: await ath('other') }),
        `DPoP ${token}`,
        'invalid_dpop_proof',
      ],
      [
        await proof(await key(), { htm: 'GET', htu: `${api}/me`, ath: await ath(token) }),
        `DPoP ${token}`,
        'invalid_token',
      ],
      [undefined, `DPoP ${token}`, 'invalid_dpop_proof'],
      [undefined, `Bearer ${token}`, 'invalid_token'],
    ];
    for (const [dpop, authorization, error] of cases) {
      const response = await call('/me', authorization, dpop);
      expect(response.status).toBe(401);
      expect(response.headers.get('WWW-Authenticate')).toContain(`error="${error}"`);
    }
  });

  it('protect({ dpop: true }) refuses Bearer tokens; without it they pass', async () => {
    const bearer = (await (await tokenRequest()).json()).access_token;
    expect((await call('/me', `Bearer ${bearer}`)).status).toBe(200);
    const strict = await call('/strict', `Bearer ${bearer}`);
    expect(strict.status).toBe(401);
    expect(strict.headers.get('WWW-Authenticate')).toMatch(/^DPoP /);
  });
});

describe('mock DPoP nonces', () => {
  const auth = server({ nonce: true });

  it('token endpoint and resource: use_dpop_nonce with DPoP-Nonce; only the current nonce passes', async () => {
    const k = await key();
    const first = await tokenRequest(await proof(k, { htm: 'POST', htu: tokenUrl }));
    expect(first.status).toBe(400);
    expect(await first.json()).toMatchObject({ error: 'use_dpop_nonce' });
    const nonce = first.headers.get('DPoP-Nonce')!;
    expect(nonce).toBe(auth.dpop?.nonce);
    const ok = await tokenRequest(await proof(k, { htm: 'POST', htu: tokenUrl, nonce }));
    expect(ok.headers.get('DPoP-Nonce')).toBe(nonce);
    const token = (await ok.json()).access_token;
    const fresh = auth.dpop!.rotateNonce();
    const stale = await fetch(`${api}/me`, {
      headers: {
        Authorization: `DPoP ${token}`,
        DPoP: await proof(k, { htm: 'GET', htu: `${api}/me`, ath: await ath(token), nonce }),
      },
    });
    expect(stale.status).toBe(401);
    expect(stale.headers.get('WWW-Authenticate')).toContain('error="use_dpop_nonce"');
    expect(stale.headers.get('DPoP-Nonce')).toBe(fresh);
    const current = await fetch(`${api}/me`, {
      headers: {
        Authorization: `DPoP ${token}`,
        DPoP: await proof(k, { htm: 'GET', htu: `${api}/me`, ath: await ath(token), nonce: fresh }),
      },
    });
    expect(current.status).toBe(200);
    expect(auth.dpop?.stats.nonceChallenges).toBe(2);
  });
});

describe('mock DPoP options', () => {
  it('bad options: a TypeError naming them', () => {
    const make = (dpop: unknown) => () =>
      createMockAuthServer({ tokenUrl, clients: [{ clientId: 'a' }], dpop: dpop as never });
    expect(make('yes')).toThrow(/option "dpop"/);
    expect(make({ nonces: true })).toThrow(/option "dpop.nonces"/);
    expect(make({ iatWindowSeconds: -1 })).toThrow(/option "dpop.iatWindowSeconds"/);
    const plain = createMockAuthServer({ tokenUrl, clients: [{ clientId: 'a' }] });
    expect(() => plain.protect(() => new Response(), { dpop: true })).toThrow(/option "dpop"/);
  });
});
