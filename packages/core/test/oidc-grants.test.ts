/**
 * jwtBearerGrant and tokenExchange against a real oidc-provider, whose custom grants
 * (testkit's oidcGrants.ts) mint its own access tokens; introspection is the real server's.
 */
import { describe, expect, it } from 'vitest';
import { createTokenVault, TokenRefreshError } from '../src/index.js';
import { clientCredentials, jwtBearerGrant, tokenExchange } from '../src/oauth2.js';
import { OP_SECRET, REDIRECT_URI, useOidcProvider } from './oidcHarness.js';

const h = useOidcProvider();
const introspector = { clientId: 'basic', clientSecret: OP_SECRET };

describe('jwtBearerGrant against oidc-provider', () => {
  it('a signed assertion (discovered issuer, aud = token endpoint) yields a token for its sub', async () => {
    const vault = createTokenVault({
      fetchToken: jwtBearerGrant({
        issuer: h.op.issuer,
        clientId: 'bearer',
        clientSecret: OP_SECRET,
        assertionKey: h.keys.ec.privateKey,
        assertionSubject: 'user-9',
      }),
    });
    const first = await vault.getToken();
    const second = await vault.refresh(); // a fresh jti: the server refuses a replay
    for (const token of [first, second]) {
      expect(await h.op.introspect(token.accessToken, introspector)).toMatchObject({
        active: true,
        sub: 'user-9',
        client_id: 'bearer',
      });
    }
    await vault.close();
  });

  it('an assertion signed with another key is a final invalid_grant', async () => {
    const source = jwtBearerGrant({
      issuer: h.op.issuer,
      clientId: 'bearer',
      clientSecret: OP_SECRET,
      assertionKey: h.keys.rsa.privateKey,
    });
    const error = await source({
      signal: new AbortController().signal,
      reason: 'initial',
      previous: undefined,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TokenRefreshError);
    expect(error).toMatchObject({ code: 'invalid_grant', retryable: false });
  });
});

describe('tokenExchange against oidc-provider', () => {
  it("exchanges a logged-in user's access token for one for another audience, on the user's behalf", async () => {
    const login = await h.op.issueTokens({
      clientId: 'web',
      clientSecret: OP_SECRET,
      redirectUri: REDIRECT_URI,
      scope: 'openid',
      accountId: 'alice',
    });
    const vault = createTokenVault({
      fetchToken: tokenExchange({
        issuer: h.op.issuer,
        clientId: 'exchanger',
        clientSecret: OP_SECRET,
        subjectToken: login.access_token,
        audience: 'https://billing.example.test',
      }),
    });
    const token = await vault.getToken();
    expect(token.raw).toMatchObject({ issued_token_type: 'urn:ietf:params:oauth:token-type:access_token' });
    expect(await h.op.introspect(token.accessToken, introspector)).toMatchObject({
      active: true,
      sub: 'alice',
      client_id: 'exchanger',
      aud: 'https://billing.example.test',
    });
    await vault.close();
  });

  it("chains vaults: the subject is another vault's current client-credentials token; an invalid one is final", async () => {
    const upstream = createTokenVault({
      fetchToken: clientCredentials({ issuer: h.op.issuer, clientId: 'basic', clientSecret: OP_SECRET }),
    });
    const exchange = (subjectToken: Parameters<typeof tokenExchange>[0]['subjectToken']) =>
      createTokenVault({
        fetchToken: tokenExchange({
          issuer: h.op.issuer,
          clientId: 'exchanger',
          clientSecret: OP_SECRET,
          subjectToken,
        }),
        retry: false,
      });
    const downstream = exchange(({ signal }) => upstream.getToken({ signal }).then((t) => t.accessToken));
    const token = await downstream.getToken();
    expect(await h.op.introspect(token.accessToken, introspector)).toMatchObject({
      active: true,
      sub: 'basic',
    });
    const bogus = exchange('not-a-token-the-server-issued');
    await expect(bogus.getToken()).rejects.toMatchObject({ code: 'invalid_request', retryable: false });
    await Promise.all([upstream.close(), downstream.close(), bogus.close()]);
  });
});
