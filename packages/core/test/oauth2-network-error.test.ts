/**
 * A network failure says why at the top (issue 13, item 9): undici's `TypeError: fetch failed`
 * keeps the reason (`connect ECONNREFUSED 127.0.0.1:<port>`) in its `cause`, or in an
 * `AggregateError`'s errors for `localhost`; the source's `TokenRefreshError` message carries it.
 */
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { beforeAll, describe, expect, it } from 'vitest';
import { createTokenVault, TokenRefreshError } from '../src/index.js';
import { clientCredentials, revocation } from '../src/oauth2.js';

let port = 0;

beforeAll(async () => {
  // A port that was just free: nothing listens on it.
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  port = (server.address() as AddressInfo).port;
  await new Promise((resolve) => server.close(resolve));
});

const client = { clientId: 'app', clientSecret: 'cl1ent-s3cret!' };

describe('network errors name their reason in the top-level message', () => {
  it('a token request to a closed loopback port', async () => {
    const vault = createTokenVault({
      retry: false,
      fetchToken: clientCredentials({ ...client, tokenUrl: `http://127.0.0.1:${port}/token` }),
    });
    const error = await vault.getToken().catch((e: unknown) => e);
    await vault.close();

    expect(error).toBeInstanceOf(TokenRefreshError);
    expect(error).toMatchObject({ code: 'network_error', retryable: true });
    expect((error as Error).message).toBe(
      `token request to http://127.0.0.1:${port}/token failed: network error (fetch failed: connect ECONNREFUSED 127.0.0.1:${port}) ` +
        '(https://github.com/tokvault/tokvault/blob/main/docs/troubleshooting.md#network_error)',
    );
    // The fetch error is still there, as a (redacted) copy.
    expect((error as Error).cause).toMatchObject({ name: 'TypeError', message: 'fetch failed' });
  });

  it('localhost (an AggregateError over ::1 and 127.0.0.1, or a single error)', async () => {
    const fetchToken = clientCredentials({ ...client, tokenUrl: `http://localhost:${port}/token` });
    const error = await fetchToken({
      signal: new AbortController().signal,
      reason: 'initial',
      previous: undefined,
    }).catch((e: unknown) => e);
    expect((error as Error).message).toMatch(/failed: network error \(fetch failed: .*ECONNREFUSED/);
  });

  it('discovery at a closed loopback port', async () => {
    const fetchToken = clientCredentials({ ...client, issuer: `http://127.0.0.1:${port}` });
    const error = await fetchToken({
      signal: new AbortController().signal,
      reason: 'initial',
      previous: undefined,
    }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'discovery_failed', retryable: true });
    expect((error as Error).message).toContain(
      `network error (fetch failed: connect ECONNREFUSED 127.0.0.1:${port})`,
    );
  });

  it('a revocation request to a closed loopback port', async () => {
    const revoke = revocation({ ...client, revocationUrl: `http://127.0.0.1:${port}/revoke` });
    const vault = createTokenVault({
      fetchToken: async () => ({ accessToken: 'access-token-1', refreshToken: 'refresh-token-1' }),
      revokeToken: revoke,
    });
    const events: TokenRefreshError[] = [];
    vault.on('revoke:error', ({ error }) => events.push(error as TokenRefreshError));
    await vault.getToken();
    await vault.invalidate();
    await vault.close();

    expect(events).toHaveLength(1);
    expect(events[0]?.message).toContain(
      `network error (fetch failed: connect ECONNREFUSED 127.0.0.1:${port})`,
    );
  });
});
