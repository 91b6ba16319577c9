/**
 * jwtBearerGrant (RFC 7523 §2.1) against the mock authorization server, over MSW and real HTTP.
 */

import { describe, expect, it } from 'vitest';
import { claimsOf } from '../../testkit/src/index.js';
import { createTokenVault, TokenRefreshError } from '../src/index.js';
import { encodeBase64url, importSigningKey, signJwt } from '../src/oauth2/jwt.js';
import { JWT_BEARER_GRANT, type JwtBearerGrantOptions, jwtBearerGrant } from '../src/oauth2.js';
import { context, MODES, SECRET, TOKEN_URL, useMockAuth } from './oauth2Harness.js';

const { subtle } = globalThis.crypto;
const pair = (await subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, [
  'sign',
  'verify',
])) as CryptoKeyPair;
const other = (await subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, [
  'sign',
  'verify',
])) as CryptoKeyPair;
const { key_ops: _ops, ext: _ext, ...publicJwk } = await subtle.exportKey('jwk', pair.publicKey);

describe.each(MODES)('jwtBearerGrant over %s', (mode) => {
  const h = useMockAuth(mode, {
    clients: [
      { clientId: 'svc', jwks: [publicJwk], grants: [JWT_BEARER_GRANT] },
      { clientId: 'cc-only', clientSecret: SECRET, jwks: [publicJwk], grants: ['client_credentials'] },
    ],
  });
  const sent: URLSearchParams[] = [];
  const recording: JwtBearerGrantOptions['fetch'] = (input, init) => {
    sent.push(new URLSearchParams(String(init?.body)));
    return fetch(input, init);
  };
  const source = (extra: Partial<JwtBearerGrantOptions> = {}) =>
    jwtBearerGrant({ tokenUrl: h.tokenUrl, clientId: 'svc', fetch: recording, ...extra });

  it('signs an assertion per request (iss, sub, aud = token endpoint, fresh jti, 60 s exp) and gets a token for sub', async () => {
    sent.length = 0;
    const vault = createTokenVault({
      fetchToken: source({
        assertionKey: pair.privateKey,
        assertionSubject: 'user-42',
        assertionKeyId: 'k1',
      }),
    });
    const first = await vault.getToken();
    const second = await vault.refresh();
    expect(h.auth.introspect(first.accessToken)).toMatchObject({
      clientId: 'svc',
      sub: 'user-42',
      status: 'active',
    });
    expect(h.auth.introspect(second.accessToken)?.sub).toBe('user-42');
    expect(h.auth.stats.tokenRequestsByGrant.jwt_bearer).toBe(2);
    expect(sent.map((form) => form.get('grant_type'))).toEqual([JWT_BEARER_GRANT, JWT_BEARER_GRANT]);
    const [a, b] = sent.map((form) => claimsOf(form.get('assertion')!));
    expect(a).toMatchObject({ iss: 'svc', sub: 'user-42', aud: h.tokenUrl });
    expect((a!.exp as number) - (a!.iat as number)).toBe(60);
    expect(a!.jti).not.toBe(b!.jti);
    expect(
      JSON.parse(Buffer.from(sent[0]!.get('assertion')!.split('.')[0]!, 'base64url').toString()),
    ).toMatchObject({
      alg: 'ES256',
      kid: 'k1',
    });
    // Client authentication 'none': client_id in the body, no client assertion.
    expect(sent[0]!.get('client_id')).toBe('svc');
    expect(sent[0]!.has('client_assertion')).toBe(false);
    await vault.close();
  });

  it('adds assertionClaims and assertionIssuer; iss/sub/aud/exp stay the source’s', async () => {
    sent.length = 0;
    await source({
      assertionKey: pair.privateKey,
      assertionIssuer: 'svc@accounts.example',
      assertionAudience: TOKEN_URL,
      assertionClaims: { scope: 'read', sub: 'ignored', exp: 1 },
      parameters: { requested_token_use: 'on_behalf_of', grant_type: 'password' },
    })(context()).catch(() => undefined);
    expect(sent[0]!.get('requested_token_use')).toBe('on_behalf_of');
    expect(sent[0]!.get('grant_type')).toBe(JWT_BEARER_GRANT);
    expect(claimsOf(sent[0]!.get('assertion')!)).toMatchObject({
      iss: 'svc@accounts.example',
      sub: 'svc',
      aud: TOKEN_URL,
      scope: 'read',
      exp: expect.any(Number),
    });
    expect(claimsOf(sent[0]!.get('assertion')!).exp).not.toBe(1);
  });

  it('sends a given assertion: a string, or a function called per request with the context', async () => {
    const key = await importSigningKey(pair.privateKey);
    const now = Math.floor(Date.now() / 1000);
    const make = (jti: string) =>
      signJwt(key, { iss: 'idp', sub: 'robot', aud: h.tokenUrl, jti, iat: now, exp: now + 60 });
    const fixed = await source({ assertion: await make('fixed') })(context());
    expect(h.auth.introspect(fixed.accessToken)?.sub).toBe('robot');
    const signals: AbortSignal[] = [];
    let n = 0;
    const dynamic = source({
      assertion: ({ signal }) => {
        signals.push(signal);
        n += 1;
        return make(`dyn-${n}`);
      },
    });
    await dynamic(context());
    await dynamic(context());
    expect(n).toBe(2);
    expect(signals[0]).toBeInstanceOf(AbortSignal);
  });

  it('a wrongly signed assertion is a final invalid_grant naming no assertion', async () => {
    sent.length = 0;
    const error = await source({ assertionKey: other.privateKey })(context()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TokenRefreshError);
    expect(error).toMatchObject({ code: 'invalid_grant', retryable: false });
    expect((error as Error).message).not.toContain(sent[0]!.get('assertion'));
  });

  it('a client not registered for the grant gets unauthorized_client', async () => {
    const error = await jwtBearerGrant({
      tokenUrl: h.tokenUrl,
      clientId: 'cc-only',
      clientSecret: SECRET,
      assertionKey: pair.privateKey,
    })(context()).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'unauthorized_client', retryable: false });
    expect(h.auth.stats.tokenRequestsByGrant.jwt_bearer).toBe(1);
  });
});

describe('jwtBearerGrant options', () => {
  const base = { tokenUrl: TOKEN_URL, clientId: 'svc' };
  it.each<[string, Record<string, unknown>]>([
    ['assertion', {}],
    ['assertion', { assertion: 'a.b.c', assertionKey: 'x' }],
    ['assertion', { assertion: '' }],
    ['assertionKey', { assertionKey: 'not a pem' }],
    ['assertionKeyId', { assertion: 'a.b.c', assertionKeyId: '' }],
    ['assertionSubject', { assertion: 'a.b.c', assertionSubject: 7 }],
    ['assertionClaims', { assertion: 'a.b.c', assertionClaims: [] }],
    ['parameters', { assertion: 'a.b.c', parameters: { n: 1 } }],
    ['asertion', { asertion: 'a.b.c' }],
  ])('a bad "%s" throws a TypeError naming it', (name, extra) => {
    expect(() => jwtBearerGrant({ ...base, ...extra } as JwtBearerGrantOptions)).toThrow(
      expect.objectContaining({ name: 'TypeError', message: expect.stringContaining(`"${name}"`) }),
    );
  });

  it('an assertion function returning no string fails the request with a final error', async () => {
    const source = jwtBearerGrant({ ...base, assertion: () => '' });
    await expect(source(context())).rejects.toMatchObject({
      code: 'invalid_credential_input',
      retryable: false,
    });
  });

  it('an assertion key WebCrypto refuses is a final invalid_assertion_key error', async () => {
    const bogus = `-----BEGIN PRIVATE KEY-----\n${encodeBase64url('not a key').replace(/[-_]/g, 'A')}\n-----END PRIVATE KEY-----`;
    const source = jwtBearerGrant({ ...base, assertionKey: bogus });
    const error = await source(context()).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'invalid_assertion_key', retryable: false });
    expect((error as Error).message).not.toContain('BEGIN');
  });
});
