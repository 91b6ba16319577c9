/**
 * DPoP end to end against a real OpenID Provider (oidc-provider 9, DPoP feature, with and
 * without required nonces): a code + PKCE login bound to the key, then `createAuthFetch` calling
 * the provider's userinfo endpoint (a real DPoP-checking resource) in bursts. Counts, not times.
 */
import { createTokenVault, type TokenVault } from '@tokvault/core';
import { createDpop, type Dpop } from '@tokvault/core/dpop';
import {
  clientCredentials,
  createAuthorizationRequest,
  exchangeAuthorizationCode,
  refreshTokenGrant,
} from '@tokvault/core/oauth2';
import { type RunningOidcProvider, startOidcProvider } from '@tokvault/testkit';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createAuthFetch } from '../src/index.js';

const SECRET = 'oidc-dpop-client-secret-0123456789abcdef';
const REDIRECT = 'http://127.0.0.1:1/callback';
const TTL_S = 3600;
const BURST = 300;

for (const requireNonce of [false, true]) {
  describe(`oidc-provider with DPoP${requireNonce ? ' and required nonces' : ''}`, () => {
    let op: RunningOidcProvider;
    beforeAll(async () => {
      op = await startOidcProvider({
        accessTokenTtl: TTL_S,
        dpop: { requireNonce },
        clients: [
          {
            client_id: 'web',
            client_secret: SECRET,
            grant_types: ['authorization_code', 'refresh_token'],
            redirect_uris: [REDIRECT],
            response_types: ['code'],
            dpop_bound_access_tokens: true,
          },
          {
            client_id: 'svc',
            client_secret: SECRET,
            grant_types: ['client_credentials'],
            redirect_uris: [],
            response_types: [],
            dpop_bound_access_tokens: true,
          },
        ],
      });
    });
    afterAll(() => op.close());
    const vaults: TokenVault[] = [];
    afterEach(async () => {
      await Promise.all(vaults.splice(0).map((vault) => vault.close()));
    });

    /** A DPoP-bound session (code + PKCE login, the code exchanged with the key) in a vault on a manual clock. */
    async function session(): Promise<{ vault: TokenVault; dpop: Dpop; advance: (ms: number) => void }> {
      let offset = 0;
      const dpop = createDpop();
      const request = await createAuthorizationRequest({
        issuer: op.issuer,
        clientId: 'web',
        redirectUri: REDIRECT,
        scope: 'openid offline_access',
        params: { prompt: 'consent' },
      });
      const { redirect } = await op.login(request.url);
      const common = { issuer: op.issuer, clientId: 'web', clientSecret: SECRET };
      const tokens = await exchangeAuthorizationCode({
        ...common,
        redirectUri: REDIRECT,
        callbackUrl: redirect.href,
        request,
        dpop,
      });
      expect(tokens.tokenType).toBe('DPoP');
      const vault = createTokenVault({
        dpop,
        fetchToken: refreshTokenGrant(common),
        now: () => Date.now() + offset,
        retry: false,
      });
      vaults.push(vault);
      await vault.setTokens(tokens);
      return {
        vault,
        dpop,
        advance: (ms) => {
          offset += ms;
        },
      };
    }

    it('client credentials: a DPoP token bound to the key (introspected cnf.jkt)', async () => {
      const dpop = createDpop();
      const vault = createTokenVault({
        dpop,
        fetchToken: clientCredentials({ issuer: op.issuer, clientId: 'svc', clientSecret: SECRET }),
      });
      vaults.push(vault);
      const before = op.count('/token');
      const token = await vault.getToken();
      expect(token.tokenType).toBe('DPoP');
      // with required nonces, the first token request is answered use_dpop_nonce and resent once
      expect(op.count('/token') - before).toBe(requireNonce ? 2 : 1);
      const info = await op.introspect(token.accessToken, { clientId: 'svc', clientSecret: SECRET });
      expect(info).toMatchObject({ active: true, token_type: 'DPoP', cnf: { jkt: await dpop.thumbprint() } });
      await vault.refresh();
      expect(op.count('/token') - before).toBe(requireNonce ? 3 : 2); // the nonce is kept
    });

    it(`a burst of ${BURST} after expiry: 1 token call, all succeed at the userinfo endpoint`, {
      timeout: 60_000,
    }, async () => {
      const { vault, dpop, advance } = await session();
      const authFetch = createAuthFetch(vault, { origins: op.issuer });
      const first = await authFetch(`${op.issuer}/me`);
      expect(first.status).toBe(200);
      expect((await vault.getToken()).tokenType).toBe('DPoP');
      const jkt = await dpop.thumbprint();
      const stale = (await vault.getToken()).accessToken;
      advance(TTL_S * 1000 + 1);
      const before = op.count('/token');
      const responses = await Promise.all(Array.from({ length: BURST }, () => authFetch(`${op.issuer}/me`)));
      expect(responses.filter((r) => r.status === 200)).toHaveLength(BURST);
      expect(op.count('/token') - before).toBe(1);
      const fresh = await vault.getToken();
      expect(fresh.accessToken).not.toBe(stale);
      const info = await op.introspect(fresh.accessToken, { clientId: 'web', clientSecret: SECRET });
      expect(info).toMatchObject({ active: true, cnf: { jkt } });
    });

    it(`a stale-401 storm of ${BURST} (the token gone at the server): 1 refresh, all succeed`, {
      timeout: 60_000,
    }, async () => {
      const { vault } = await session();
      const authFetch = createAuthFetch(vault, { origins: op.issuer });
      expect((await authFetch(`${op.issuer}/me`)).status).toBe(200);
      // The access token alone disappears at the server (the grant and refresh token stay good).
      const stored = await op.provider.AccessToken.find((await vault.getToken()).accessToken);
      await stored!.destroy();
      const before = { token: op.count('/token'), me: op.count('/me') };
      const responses = await Promise.all(Array.from({ length: BURST }, () => authFetch(`${op.issuer}/me`)));
      expect(responses.filter((r) => r.status === 200)).toHaveLength(BURST);
      expect(op.count('/token') - before.token).toBe(1);
      expect(op.count('/me') - before.me).toBeLessThanOrEqual(3 * BURST);
    });

    it(
      requireNonce
        ? 'a proof with an iat far off: answered use_dpop_nonce, the nonce resend succeeds'
        : 'a proof with an iat far off: refused, a final invalid_dpop_proof error',
      async () => {
        const dpop = createDpop({ now: () => Date.now() - 3_600_000 });
        const vault = createTokenVault({
          dpop,
          fetchToken: clientCredentials({ issuer: op.issuer, clientId: 'svc', clientSecret: SECRET }),
          retry: false,
        });
        vaults.push(vault);
        const before = op.count('/token');
        if (requireNonce) expect((await vault.getToken()).tokenType).toBe('DPoP');
        else
          await expect(vault.getToken()).rejects.toMatchObject({
            code: 'invalid_dpop_proof',
            retryable: false,
          });
        expect(op.count('/token') - before).toBe(requireNonce ? 2 : 1);
      },
    );
  });
}
