/**
 * Every client authentication method against a real OpenID Provider (oidc-provider), through
 * discovery: accepted with the right credential, a final `invalid_client` with a wrong one.
 */

import { describe, expect, it } from 'vitest';
import { claimsOf } from '../../testkit/src/index.js';
import { createTokenVault, TokenRefreshError } from '../src/index.js';
import { readJwtClaims } from '../src/oauth2/jwt.js';
import { type ClientCredentialsOptions, clientCredentials } from '../src/oauth2.js';
import { context } from './oauth2Harness.js';
import { API, OP_SECRET, pemOf, useOidcProvider } from './oidcHarness.js';

const h = useOidcProvider();

async function otherKey(): Promise<CryptoKey> {
  const pair = (await globalThis.crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, [
    'sign',
    'verify',
  ])) as CryptoKeyPair;
  return pair.privateKey;
}

type Case = [
  string,
  () => Promise<Partial<ClientCredentialsOptions>>,
  () => Promise<Partial<ClientCredentialsOptions>>,
];
const cases: Case[] = [
  [
    'client_secret_basic',
    async () => ({ clientId: 'basic', clientSecret: OP_SECRET }),
    async () => ({ clientId: 'basic', clientSecret: 'wrong-secret' }),
  ],
  [
    'client_secret_post',
    async () => ({ clientId: 'post', clientSecret: OP_SECRET, authMethod: 'client_secret_post' }),
    async () => ({ clientId: 'post', clientSecret: 'wrong-secret', authMethod: 'client_secret_post' }),
  ],
  [
    'client_secret_jwt (HS256)',
    async () => ({ clientId: 'hs256', clientSecret: OP_SECRET, authMethod: 'client_secret_jwt' }),
    async () => ({ clientId: 'hs256', clientSecret: `${OP_SECRET}-wrong`, authMethod: 'client_secret_jwt' }),
  ],
  [
    'private_key_jwt RS256 (CryptoKey)',
    async () => ({ clientId: 'rs256', privateKey: h.keys.rsa.privateKey }),
    async () => ({ clientId: 'rs256', privateKey: await otherKey() }),
  ],
  [
    'private_key_jwt ES256 (JWK)',
    async () => ({
      clientId: 'es256',
      privateKey: await crypto.subtle.exportKey('jwk', h.keys.ec.privateKey),
    }),
    async () => ({ clientId: 'es256', privateKey: await otherKey() }),
  ],
  [
    'private_key_jwt EdDSA (PKCS#8 PEM)',
    async () => ({ clientId: 'eddsa', privateKey: await pemOf(h.keys.ed.privateKey) }),
    async () => ({ clientId: 'eddsa', privateKey: await pemOf(h.keys.rsa.privateKey) }),
  ],
];

describe.each(cases)('%s against oidc-provider', (_name, good, bad) => {
  it('is accepted: the vault gets a token the server says is active', async () => {
    const options = await good();
    const vault = createTokenVault({
      fetchToken: clientCredentials({ issuer: h.op.issuer, ...options } as ClientCredentialsOptions),
    });
    const token = await vault.getToken();
    const info = await h.op.introspect(token.accessToken, { clientId: 'basic', clientSecret: OP_SECRET });
    expect(info).toMatchObject({ active: true, client_id: options.clientId });
    await vault.close();
  });

  it('a wrong credential is a final invalid_client: one token call for 10 callers, no secret in the error', async () => {
    const options = (await bad()) as ClientCredentialsOptions;
    const before = h.op.count('/token');
    const vault = createTokenVault({ fetchToken: clientCredentials({ issuer: h.op.issuer, ...options }) });
    const results = await Promise.allSettled(Array.from({ length: 10 }, () => vault.getToken()));
    expect(h.op.count('/token') - before).toBe(1);
    const errors = results.map((r) => (r.status === 'rejected' ? r.reason : undefined));
    expect(new Set(errors).size).toBe(1);
    const error = errors[0] as TokenRefreshError;
    expect(error).toBeInstanceOf(TokenRefreshError);
    expect(error).toMatchObject({ code: 'invalid_client', retryable: false });
    const text = `${error.message} ${JSON.stringify(error.cause)}`;
    if (options.clientSecret) expect(text).not.toContain(options.clientSecret);
    await vault.close();
  });
});

describe('client assertions', () => {
  it('each request signs a fresh assertion: new jti, exp 60 s after iat, aud = token endpoint, iss = sub = client_id', async () => {
    const bodies: URLSearchParams[] = [];
    const source = clientCredentials({
      issuer: h.op.issuer,
      clientId: 'rs256',
      privateKey: h.keys.rsa.privateKey,
      keyId: 'k1',
      fetch: (input, init) => {
        if (init?.body instanceof URLSearchParams) bodies.push(new URLSearchParams(init.body));
        return fetch(input, init);
      },
    });
    await source(context());
    await source(context());
    const assertions = bodies.map((b) => b.get('client_assertion')!);
    expect(bodies.map((b) => b.get('client_assertion_type'))).toEqual([
      'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
      'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
    ]);
    const [a, b] = assertions.map(claimsOf);
    expect(a).toMatchObject({ iss: 'rs256', sub: 'rs256', aud: h.op.tokenEndpoint });
    expect((a!.exp as number) - (a!.iat as number)).toBe(60);
    expect(a!.jti).not.toBe(b!.jti);
    expect(JSON.parse(Buffer.from(assertions[0]!.split('.')[0]!, 'base64url').toString())).toEqual({
      alg: 'RS256',
      typ: 'JWT',
      kid: 'k1',
    });
  });

  it('assertionAudience sets aud (the issuer is accepted too)', async () => {
    const seen: string[] = [];
    const source = clientCredentials({
      issuer: h.op.issuer,
      clientId: 'es256',
      privateKey: h.keys.ec.privateKey,
      assertionAudience: h.op.issuer,
      fetch: (input, init) => {
        if (init?.body instanceof URLSearchParams) seen.push(init.body.get('client_assertion')!);
        return fetch(input, init);
      },
    });
    await expect(source(context())).resolves.toMatchObject({ accessToken: expect.any(String) });
    expect(readJwtClaims(seen[0]!)?.aud).toBe(h.op.issuer);
  });

  it('a key WebCrypto refuses is a final invalid_client_key error naming no key material', async () => {
    const pem = '-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----';
    const source = clientCredentials({ issuer: h.op.issuer, clientId: 'rs256', privateKey: pem });
    await expect(source(context())).rejects.toMatchObject({ code: 'invalid_client_key', retryable: false });
  });
});

describe('resource and audience', () => {
  it('resource yields a token whose audience is that resource', async () => {
    const source = clientCredentials({
      issuer: h.op.issuer,
      clientId: 'basic',
      clientSecret: OP_SECRET,
      resource: API,
      scope: 'api:read',
    });
    const token = await source(context());
    expect(claimsOf(token.accessToken)).toMatchObject({ aud: API, client_id: 'basic', scope: 'api:read' });
  });

  it('sends every resource and the audience parameter', async () => {
    const bodies: URLSearchParams[] = [];
    const source = clientCredentials({
      tokenUrl: h.op.tokenEndpoint,
      clientId: 'basic',
      clientSecret: OP_SECRET,
      resource: [API, 'https://reports.example.test'],
      audience: 'orders',
      fetch: async (input, init) => {
        bodies.push(new URLSearchParams(init?.body as URLSearchParams));
        return fetch(input, init);
      },
    });
    // oidc-provider allows one resource per client credentials request: the refusal proves both went out.
    await expect(source(context())).rejects.toMatchObject({ code: 'invalid_target' });
    expect(bodies[0]!.getAll('resource')).toEqual([API, 'https://reports.example.test']);
    expect(bodies[0]!.get('audience')).toBe('orders');
  });
});
