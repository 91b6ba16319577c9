/**
 * The fleet rule of DPoP: processes that share a token through a store must share its key (the
 * user supplies the same key pair to every process). With the key, a token one process obtained
 * serves the others without a token call; without it, the shared token is useless to them.
 */
import { createMemoryStore, createTokenVault, type TokenStore, type TokenVault } from '@tokvault/core';
import { createDpop } from '@tokvault/core/dpop';
import { clientCredentials } from '@tokvault/core/oauth2';
import { createMockAuthServer } from '@tokvault/msw';
import { HttpResponse, http } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createAuthFetch } from '../src/index.js';

const tokenUrl = 'https://auth.fleet.test/oauth/token';
const api = 'https://api.fleet.test';
const auth = createMockAuthServer({
  tokenUrl,
  clients: [{ clientId: 'svc', clientSecret: 's3cret' }],
  accessTokenFormat: 'jwt',
  dpop: { required: true, nonce: true },
});
const server = setupServer(
  ...auth.handlers,
  http.get(
    `${api}/me`,
    auth.protect(({ auth: info }) => HttpResponse.json({ jkt: info.jkt }), { dpop: true }),
  ),
);
beforeAll(() => server.listen({ onUnhandledFrame: 'error' }));
afterAll(() => server.close());
const vaults: TokenVault[] = [];
afterEach(async () => {
  await Promise.all(vaults.splice(0).map((vault) => vault.close()));
  auth.reset();
});

/** One "process" of the fleet: its own vault and client, the fleet's store. */
function process(store: TokenStore, keyPair?: CryptoKeyPair) {
  const vault = createTokenVault({
    name: 'fleet',
    store,
    dpop: createDpop({ keyPair }),
    fetchToken: clientCredentials({ tokenUrl, clientId: 'svc', clientSecret: 's3cret' }),
    retry: false,
  });
  vaults.push(vault);
  return createAuthFetch(vault, { origins: api });
}

describe('a fleet sharing a DPoP-bound token', () => {
  it('with the key supplied to every process: one token call serves them all', async () => {
    const keyPair = (await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, [
      'sign',
      'verify',
    ])) as CryptoKeyPair;
    const store = createMemoryStore();
    const fleet = [process(store, keyPair), process(store, keyPair), process(store, keyPair)];
    for (const authFetch of fleet) {
      const responses = await Promise.all(Array.from({ length: 20 }, () => authFetch(`${api}/me`)));
      expect(responses.map((r) => r.status)).toEqual(Array(20).fill(200));
    }
    // 2: the first token request learns the server's nonce (use_dpop_nonce) and is resent once
    expect(auth.stats.tokensIssued).toBe(1);
    expect(auth.stats.tokenRequests).toBe(2);
  });

  it('a process with its own key cannot use the shared token: it needs a token of its own', async () => {
    const store = createMemoryStore();
    const [first, stranger] = [process(store), process(store)];
    expect((await first(`${api}/me`)).status).toBe(200);
    expect(auth.stats.tokensIssued).toBe(1);
    // The shared token is bound to the first process's key: refused, then replaced for the stranger.
    expect((await stranger(`${api}/me`)).status).toBe(200);
    expect(auth.stats.tokensIssued).toBe(2);
  });
});
