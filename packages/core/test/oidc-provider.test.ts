/**
 * The testkit's oidc-provider helper, and today's sources against the real server.
 */

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningOidcProvider, startOidcProvider } from '../../testkit/src/index.js';
import { createTokenVault } from '../src/index.js';
import { clientCredentials, refreshTokenGrant } from '../src/oauth2.js';

const SECRET = 'oidc-provider-test-secret-0123456789';
const REDIRECT = 'http://127.0.0.1:1/cb';
let op: RunningOidcProvider;

beforeAll(async () => {
  op = await startOidcProvider({
    clients: [
      {
        client_id: 'svc',
        client_secret: SECRET,
        grant_types: ['client_credentials'],
        redirect_uris: [],
        response_types: [],
      },
      {
        client_id: 'web',
        client_secret: SECRET,
        grant_types: ['authorization_code', 'refresh_token'],
        redirect_uris: [REDIRECT],
        response_types: ['code'],
      },
    ],
    resources: [{ indicator: 'https://api.example.test' }],
  });
});
afterAll(() => op.close());

describe('startOidcProvider', () => {
  it('serves discovery for its loopback issuer', async () => {
    const doc = (await (await fetch(`${op.issuer}/.well-known/openid-configuration`)).json()) as Record<
      string,
      unknown
    >;
    expect(doc.issuer).toBe(op.issuer);
    expect(doc.token_endpoint).toBe(op.tokenEndpoint);
    expect(doc.revocation_endpoint).toBe(`${op.issuer}/token/revocation`);
  });

  it('issues client credentials tokens to clientCredentials()', async () => {
    const vault = createTokenVault({
      fetchToken: clientCredentials({ tokenUrl: op.tokenEndpoint, clientId: 'svc', clientSecret: SECRET }),
    });
    const token = await vault.getToken();
    expect(await op.introspect(token.accessToken, { clientId: 'svc', clientSecret: SECRET })).toMatchObject({
      active: true,
      client_id: 'svc',
    });
    await vault.close();
  });

  it('logs in over HTTP (code + PKCE) and the refresh token rotates under refreshTokenGrant()', async () => {
    const tokens = await op.issueTokens({ clientId: 'web', clientSecret: SECRET, redirectUri: REDIRECT });
    expect(tokens.refresh_token).toEqual(expect.any(String));
    const seen: string[] = [];
    const source = refreshTokenGrant({
      tokenUrl: op.tokenEndpoint,
      clientId: 'web',
      clientSecret: SECRET,
      refreshToken: tokens.refresh_token!,
      onRefreshToken: (next) => {
        seen.push(next);
      },
    });
    const vault = createTokenVault({ fetchToken: source });
    await vault.getToken();
    await vault.refresh();
    expect(seen).toHaveLength(2);
    expect(new Set([tokens.refresh_token, ...seen]).size).toBe(3);
    await vault.close();
  });
});
