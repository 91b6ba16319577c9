/**
 * DPoP (RFC 9449) in core: `createDpop` proofs, the vault's `dpop` option reaching the OAuth
 * sources, `use_dpop_nonce` at the token endpoint, `cnf.jkt` binding, `invalid_dpop_proof`.
 * Against the mock authorization server (which verifies every proof) in both transports.
 */

import { describe, expect, it } from 'vitest';
import { jwtPart, sha256Base64url } from '../../testkit/src/index.js';
import { createDpop, type DpopAlgorithm, generateDpopKeyPair } from '../src/dpop.js';
import { createTokenVault, TokenRefreshError } from '../src/index.js';
import { clientCredentials, refreshTokenGrant } from '../src/oauth2.js';
import { context, MODES, SECRET, TOKEN_URL, useMockAuth } from './oauth2Harness.js';

const part = jwtPart;

const VERIFY: Record<
  DpopAlgorithm,
  [Algorithm | EcKeyImportParams | RsaHashedImportParams, Algorithm | EcdsaParams]
> = {
  ES256: [
    { name: 'ECDSA', namedCurve: 'P-256' } as EcKeyImportParams,
    { name: 'ECDSA', hash: 'SHA-256' } as EcdsaParams,
  ],
  RS256: [
    { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' } as RsaHashedImportParams,
    { name: 'RSASSA-PKCS1-v1_5' },
  ],
  EdDSA: [{ name: 'Ed25519' }, { name: 'Ed25519' }],
};

describe('createDpop', () => {
  it.each(['ES256', 'RS256', 'EdDSA'] as const)(
    '%s: a proof with the RFC 9449 claims, signed by its public jwk',
    async (alg) => {
      const dpop = createDpop({ alg, now: () => 1_700_000_000_500 });
      const proof = await dpop.proof('get', 'https://api.example.com/v1/items?x=1#frag', 'the-token');
      const header = part(proof, 0);
      const claims = part(proof, 1);
      expect(header).toMatchObject({ typ: 'dpop+jwt', alg });
      expect(header.jwk.d).toBeUndefined();
      expect(claims).toMatchObject({
        htm: 'GET',
        htu: 'https://api.example.com/v1/items',
        iat: 1_700_000_000,
      });
      expect(claims.ath).toBe(await sha256Base64url('the-token'));
      expect(claims.jti).toMatch(/^[0-9a-f-]{36}$/);
      const [importParams, verifyParams] = VERIFY[alg];
      const key = await crypto.subtle.importKey('jwk', header.jwk, importParams, false, ['verify']);
      const [h, p, s] = proof.split('.');
      const signature = Uint8Array.from(atob(s!.replace(/-/g, '+').replace(/_/g, '/')), (c) =>
        c.charCodeAt(0),
      );
      expect(
        await crypto.subtle.verify(verifyParams, key, signature, new TextEncoder().encode(`${h}.${p}`)),
      ).toBe(true);
      // The thumbprint is RFC 7638's: SHA-256 of the required members, in order.
      const members =
        alg === 'RS256'
          ? ['e', 'kty', 'n']
          : alg === 'ES256'
            ? ['crv', 'kty', 'x', 'y']
            : ['crv', 'kty', 'x'];
      const canonical = JSON.stringify(Object.fromEntries(members.map((m) => [m, header.jwk[m]])));
      expect(await dpop.thumbprint()).toBe(await sha256Base64url(canonical));
    },
  );

  it('a unique jti per proof, no ath without a token, the origin nonce once set', async () => {
    const dpop = createDpop();
    const [a, b] = [
      await dpop.proof('POST', 'https://as.example.com/token'),
      await dpop.proof('POST', 'https://as.example.com/token'),
    ];
    expect(part(a, 1).jti).not.toBe(part(b, 1).jti);
    expect(part(a, 1).ath).toBeUndefined();
    dpop.setNonce('https://as.example.com/anything', 'n-1');
    expect(part(await dpop.proof('POST', 'https://as.example.com/token'), 1).nonce).toBe('n-1');
    expect(part(await dpop.proof('POST', 'https://other.example.com/token'), 1).nonce).toBeUndefined();
  });

  it('uses a supplied key pair (its algorithm wins), and never serialises it', async () => {
    const keyPair = (await crypto.subtle.generateKey({ name: 'Ed25519' }, false, [
      'sign',
      'verify',
    ])) as CryptoKeyPair;
    const dpop = createDpop({ keyPair });
    expect(part(await dpop.proof('GET', 'https://x.example/'), 0).alg).toBe('EdDSA');
    expect(JSON.stringify({ dpop })).toBe('{"dpop":"Dpop"}');
  });

  it.each([
    ['ES256', { name: 'ECDSA', namedCurve: 'P-256' }],
    ['RS256', { name: 'RSASSA-PKCS1-v1_5', hash: { name: 'SHA-256' } }],
    ['EdDSA', { name: 'Ed25519' }],
  ] as const)(
    'generateDpopKeyPair(%s): a non-extractable pair createDpop signs with',
    async (alg, algorithm) => {
      const keyPair = await generateDpopKeyPair(alg);
      expect(keyPair.privateKey.extractable).toBe(false);
      expect(keyPair.privateKey.algorithm).toMatchObject(algorithm);
      expect(part(await createDpop({ keyPair }).proof('GET', 'https://x.example/'), 0).alg).toBe(alg);
    },
  );

  it('bad options: a TypeError naming the option', async () => {
    expect(() => createDpop({ alg: 'HS256' as DpopAlgorithm })).toThrow(/option "alg"/);
    expect(() => createDpop({ keyPair: 'pem' as unknown as CryptoKeyPair })).toThrow(/option "keyPair"/);
    expect(() => createDpop({ now: 5 as unknown as () => number })).toThrow(/option "now"/);
    expect(() => createDpop({ algo: 'ES256' } as never)).toThrow(/unknown option "algo"/);
    const hmac = await crypto.subtle.generateKey({ name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
    const bad = createDpop({ keyPair: { privateKey: hmac, publicKey: hmac } as CryptoKeyPair });
    await expect(bad.proof('GET', 'https://x.example/')).rejects.toThrow(/option "keyPair"/);
    expect(() => createTokenVault({ fetchToken: async () => 't', dpop: {} as never })).toThrow(
      /option "dpop"/,
    );
  });
});

describe.each(MODES)('DPoP at the token endpoint over %s', (mode) => {
  const h = useMockAuth(mode, { dpop: true, accessTokenFormat: 'jwt' });

  it("the vault's dpop reaches the source: a DPoP token bound to the key (cnf.jkt)", async () => {
    const dpop = createDpop();
    const vault = createTokenVault({
      dpop,
      fetchToken: clientCredentials({ tokenUrl: h.tokenUrl, clientId: 'app', clientSecret: SECRET }),
    });
    const token = await vault.getToken();
    expect(token.tokenType).toBe('DPoP');
    expect(vault.dpop).toBe(dpop);
    expect(part(token.accessToken, 1).cnf).toEqual({ jkt: await dpop.thumbprint() });
    expect(h.auth.dpop?.stats.proofsAccepted).toBe(1);
    await vault.close();
  });

  it('without dpop the same server issues Bearer tokens (no proof sent)', async () => {
    const token = await clientCredentials({ tokenUrl: h.tokenUrl, clientId: 'app', clientSecret: SECRET })(
      context(),
    );
    expect(token.tokenType).toBe('Bearer');
    expect(h.auth.dpop?.stats.proofsAccepted).toBe(0);
  });

  it('refresh grants carry a proof too (the source reads the context)', async () => {
    const dpop = createDpop();
    const refreshToken = h.auth.issueRefreshToken('app');
    const source = refreshTokenGrant({
      tokenUrl: h.tokenUrl,
      clientId: 'app',
      clientSecret: SECRET,
      refreshToken,
    });
    const token = await source({ ...context(), dpop });
    expect(token.tokenType).toBe('DPoP');
    expect(h.auth.dpop?.stats.proofsAccepted).toBe(1);
  });
});

describe.each(MODES)('DPoP nonces at the token endpoint over %s', (mode) => {
  const h = useMockAuth(mode, { dpop: { nonce: true } });

  it('use_dpop_nonce: one resend with the nonce; the next token request carries it at once', async () => {
    const vault = createTokenVault({
      dpop: createDpop(),
      fetchToken: clientCredentials({ tokenUrl: h.tokenUrl, clientId: 'app', clientSecret: SECRET }),
      retry: false,
    });
    expect((await vault.getToken()).tokenType).toBe('DPoP');
    expect(h.auth.stats.tokenRequests).toBe(2);
    expect(h.auth.dpop?.stats.nonceChallenges).toBe(1);
    await vault.refresh();
    expect(h.auth.stats.tokenRequests).toBe(3);
    expect(h.auth.dpop?.stats.nonceChallenges).toBe(1);
    await vault.close();
  });

  it('a nonce the server keeps refusing: one resend only, then the final error', async () => {
    const source = clientCredentials({
      tokenUrl: h.tokenUrl,
      clientId: 'app',
      clientSecret: SECRET,
      dpop: createDpop(),
      // the server rotates its nonce before every request: the resend's nonce is stale too
      fetch: (input, init) => {
        h.auth.dpop?.rotateNonce();
        return fetch(input, init);
      },
    });
    const error = await source(context()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TokenRefreshError);
    expect(error).toMatchObject({ code: 'use_dpop_nonce', retryable: false });
    expect(h.auth.stats.tokenRequests).toBe(2);
  });
});

describe('DPoP proof refused at the token endpoint', () => {
  const h = useMockAuth('msw', { dpop: { required: true, iatWindowSeconds: 30 } });

  it('invalid_dpop_proof is a final TokenRefreshError with that code; no proof or key in it', async () => {
    const dpop = createDpop({ now: () => Date.now() - 10 * 60_000 }); // iat 10 minutes old
    const vault = createTokenVault({
      dpop,
      fetchToken: clientCredentials({ tokenUrl: h.tokenUrl, clientId: 'app', clientSecret: SECRET }),
    });
    const events: unknown[] = [];
    vault.on('refresh:error', (event) => events.push(event));
    const error = await vault.getToken().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TokenRefreshError);
    expect(error).toMatchObject({ code: 'invalid_dpop_proof', retryable: false });
    expect(h.auth.stats.tokenRequests).toBe(1); // final: never retried
    const text = JSON.stringify([String(error), (error as Error).cause, events]);
    expect(text).not.toMatch(/eyJ[\w-]+\.eyJ/); // no JWT (proof)
    expect(text).not.toContain(await dpop.thumbprint());
    await vault.close();
  });

  it('a server requiring DPoP refuses a source without it: invalid_dpop_proof', async () => {
    const source = clientCredentials({ tokenUrl: h.tokenUrl, clientId: 'app', clientSecret: SECRET });
    await expect(source(context())).rejects.toMatchObject({ code: 'invalid_dpop_proof', retryable: false });
  });
});

describe('cnf.jkt binding', () => {
  const jwt = (claims: object) =>
    `${btoa(JSON.stringify({ alg: 'ES256', typ: 'at+jwt' }))}.${btoa(JSON.stringify(claims)).replace(/=+$/, '')}.sig`;
  const answering = (body: object) => async () => Response.json(body);

  it('a DPoP token bound to another key is a final dpop_key_mismatch error', async () => {
    const source = clientCredentials({
      tokenUrl: TOKEN_URL,
      clientId: 'app',
      clientSecret: SECRET,
      dpop: createDpop(),
      fetch: answering({
        access_token: jwt({ cnf: { jkt: 'someone-else' } }),
        token_type: 'DPoP',
        expires_in: 60,
      }),
    });
    await expect(source(context())).rejects.toMatchObject({ code: 'dpop_key_mismatch', retryable: false });
  });

  it('a matching cnf.jkt (token or response) and an opaque token pass', async () => {
    const dpop = createDpop();
    const jkt = await dpop.thumbprint();
    for (const body of [
      { access_token: jwt({ cnf: { jkt } }), token_type: 'DPoP' },
      { access_token: 'opaque', token_type: 'DPoP', cnf: { jkt } },
      { access_token: 'opaque', token_type: 'DPoP' },
    ]) {
      const source = clientCredentials({
        tokenUrl: TOKEN_URL,
        clientId: 'app',
        clientSecret: SECRET,
        dpop,
        fetch: answering(body),
      });
      expect((await source(context())).tokenType).toBe('DPoP');
    }
    const mismatch = { access_token: 'opaque', token_type: 'DPoP', cnf: { jkt: 'x' } };
    const source = clientCredentials({
      tokenUrl: TOKEN_URL,
      clientId: 'app',
      clientSecret: SECRET,
      dpop,
      fetch: answering(mismatch),
    });
    await expect(source(context())).rejects.toMatchObject({ code: 'dpop_key_mismatch' });
  });
});

describe('DPoP proofs never reach an error', () => {
  it('a server echoing the proof in error_description: redacted', async () => {
    let sent = '';
    const source = clientCredentials({
      tokenUrl: TOKEN_URL,
      clientId: 'app',
      clientSecret: SECRET,
      dpop: createDpop(),
      fetch: async (_input, init) => {
        sent = new Headers(init?.headers).get('DPoP') ?? '';
        return Response.json(
          { error: 'invalid_dpop_proof', error_description: `bad proof ${sent}` },
          { status: 400 },
        );
      },
    });
    const error = await source(context()).catch((e: unknown) => e);
    expect(sent).toMatch(/^eyJ/);
    expect(error).toMatchObject({ code: 'invalid_dpop_proof', retryable: false });
    expect(JSON.stringify([String(error), (error as Error).cause])).not.toContain(sent.slice(0, 40));
  });
});
