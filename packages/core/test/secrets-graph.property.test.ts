/**
 * Secrets stay secret in the whole error graph (issue 13, item 2): generated client secrets,
 * refresh tokens and access tokens go through every failure path of the OAuth 2.0 sources and of
 * `fetchToken`, against a HOSTILE loopback token endpoint that echoes everything it received
 * (form values, the Basic header raw and decoded, the raw body) in `error_description`,
 * `error_uri` and extra fields. No rendering of any error or event shows any encoding of any secret.
 * The axios paths (an `AxiosError` cause, an axios-based `fetch`) are in packages/axios.
 */

import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  collectFailures,
  type EchoingTokenServer,
  findLeak,
  secretArbitrary,
  startEchoingTokenServer,
} from '../../testkit/src/index.js';
import { createTokenVault, type FetchToken, TokenRefreshError, type TokenVault } from '../src/index.js';
import { clientCredentials, refreshTokenGrant, revocation } from '../src/oauth2.js';

let hostile: EchoingTokenServer;
beforeAll(async () => {
  hostile = await startEchoingTokenServer();
});
afterAll(() => hostile.close());

/** Run `act` on a fresh vault and collect its rejection plus every error event payload. */
function failures(
  options: Parameters<typeof createTokenVault>[0],
  act: (vault: TokenVault) => Promise<unknown>,
): Promise<unknown[]> {
  const vault = createTokenVault({ retry: false, ...options });
  return collectFailures(vault, () => act(vault));
}

const secrets = fc.record({
  clientSecret: secretArbitrary(),
  refreshToken: secretArbitrary(),
  accessToken: secretArbitrary(true),
  rejected: fc.constantFrom(400, 500),
});

describe('secrets stay secret in the whole error graph (property, hostile loopback server)', () => {
  it('no rendering of any error or event of any source shows a secret, in any encoding', async () => {
    await fc.assert(
      fc.asyncProperty(secrets, async ({ clientSecret, refreshToken, accessToken, rejected }) => {
        fc.pre(new Set([clientSecret, refreshToken, accessToken]).size === 3);
        hostile.status = rejected;
        const tokenUrl = `${hostile.url}/token`;
        const client = { clientId: 'app', clientSecret };
        const session = { accessToken, refreshToken, expiresIn: 3600 };
        const outputs: unknown[] = [];
        const refreshAfterLogin = (vault: TokenVault) => vault.setTokens(session).then(() => vault.refresh());

        // The OAuth 2.0 sources: Basic and body client authentication, refresh token grant.
        for (const authMethod of ['client_secret_basic', 'client_secret_post'] as const) {
          const fetchToken = clientCredentials({ tokenUrl, ...client, authMethod });
          outputs.push(...(await failures({ fetchToken }, (vault) => vault.getToken())));
        }
        const grant = refreshTokenGrant({ tokenUrl, ...client });
        outputs.push(...(await failures({ fetchToken: grant }, refreshAfterLogin)));
        const initialGrant = refreshTokenGrant({ tokenUrl, ...client, refreshToken });
        outputs.push(...(await failures({ fetchToken: initialGrant }, (vault) => vault.getToken())));

        // Revocation on invalidate(): the access and refresh tokens are sent, and echoed back.
        outputs.push(
          ...(await failures(
            {
              fetchToken: async () => session,
              revokeToken: revocation({ revocationUrl: `${hostile.url}/revoke`, ...client }),
            },
            async (vault) => {
              await vault.getToken();
              await vault.invalidate();
            },
          )),
        );

        // A network error (a closed loopback port), with the secret in the Basic header.
        const unreachable = clientCredentials({
          ...client,
          tokenUrl: `http://127.0.0.1:${hostile.closedPort}/token`,
        });
        outputs.push(...(await failures({ fetchToken: unreachable }, (vault) => vault.getToken())));

        // A user's fetchToken that throws what it saw, carrying the request it sent.
        const careless: FetchToken = async ({ previous }) => {
          const body = new URLSearchParams({
            grant_type: 'refresh_token',
            refresh_token: previous?.refreshToken ?? refreshToken,
            client_secret: clientSecret,
          }).toString();
          const headers = { authorization: `Bearer ${previous?.accessToken}` };
          const response = await fetch(tokenUrl, { method: 'POST', body, headers: { ...headers } });
          const text = await response.text();
          throw Object.assign(new Error(`token endpoint answered ${response.status}: ${text}`), {
            request: { body, headers },
            options: { body, headers },
            response: { status: response.status, body: text },
          });
        };
        outputs.push(...(await failures({ fetchToken: careless }, refreshAfterLogin)));

        // A user's fetchToken that throws its own TokenRefreshError (passed through as is).
        const own: FetchToken = async ({ previous }) => {
          throw new TokenRefreshError(`refresh token ${previous?.refreshToken} is revoked`, {
            retryable: false,
            cause: new Error(`access token ${previous?.accessToken} was the last one`),
          });
        };
        outputs.push(...(await failures({ fetchToken: own }, refreshAfterLogin)));

        expect(outputs.filter((output) => output !== undefined).length).toBeGreaterThanOrEqual(15);
        expect(findLeak(outputs, [clientSecret, refreshToken, accessToken])).toBeUndefined();
      }),
      { numRuns: 40 },
    );
  });
});
