/**
 * Browser tabs share the DPoP key with the token: `loadDpopKeyPair` keeps one non-extractable
 * pair in IndexedDB; a token one tab obtained (DPoP-bound) is usable by another tab's proofs,
 * at a resource of the mock server that checks the binding.
 */
import { createTokenVault, type TokenVault } from '@tokvault/core';
import { authorize, resolveAdapterOptions } from '@tokvault/core/adapter';
import { createDpop } from '@tokvault/core/dpop';
import { clientCredentials } from '@tokvault/core/oauth2';
import { createMockAuthServer } from '@tokvault/msw';
import { HttpResponse, http } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadDpopKeyPair } from '../src/index.js';
import { tabs } from './support.js';

const tokenUrl = 'https://auth.tabs.test/oauth/token';
const api = 'https://api.tabs.test/me';
const auth = createMockAuthServer({
  tokenUrl,
  clients: [{ clientId: 'app', clientSecret: 's3cret' }],
  accessTokenFormat: 'jwt',
  dpop: { required: true },
});
const server = setupServer(
  ...auth.handlers,
  http.get(
    api,
    auth.protect(({ auth: info }) => HttpResponse.json({ jkt: info.jkt }), { dpop: true }),
  ),
);
beforeAll(() => server.listen({ onUnhandledFrame: 'error' }));
afterAll(() => server.close());
const vaults: TokenVault[] = [];
let group: ReturnType<typeof tabs>;
afterEach(async () => {
  await Promise.all(vaults.splice(0).map((vault) => vault.close()));
  group?.closeAll();
  auth.reset();
});

describe('loadDpopKeyPair', () => {
  it('concurrent first tabs agree on one non-extractable pair, kept for later tabs', async () => {
    group = tabs();
    const load = () => loadDpopKeyPair({ namespace: group.namespace, indexedDB: group.indexedDB });
    const [a, b] = await Promise.all([load(), load()]);
    const thumbprint = (pair: CryptoKeyPair) => createDpop({ keyPair: pair }).thumbprint();
    expect(await thumbprint(a)).toBe(await thumbprint(b));
    expect(a.privateKey.extractable).toBe(false);
    expect(await thumbprint(await load())).toBe(await thumbprint(a));
    const other = await loadDpopKeyPair({
      namespace: `${group.namespace}-other`,
      indexedDB: group.indexedDB,
    });
    expect(await thumbprint(other)).not.toBe(await thumbprint(a));
  });

  it("a DPoP-bound token from one tab works with another tab's proofs (shared store, shared key)", async () => {
    group = tabs();
    const tab = () => {
      const vault = createTokenVault({
        store: group.open(),
        dpop: createDpop({
          keyPair: loadDpopKeyPair({ namespace: group.namespace, indexedDB: group.indexedDB }),
        }),
        fetchToken: clientCredentials({ tokenUrl, clientId: 'app', clientSecret: 's3cret' }),
      });
      vaults.push(vault);
      return vault;
    };
    const [first, second] = [tab(), tab()];
    const token = await first.getToken();
    expect(token.tokenType).toBe('DPoP');
    const shared = await second.getToken(); // from the store: no token request
    expect(shared.accessToken).toBe(token.accessToken);
    expect(auth.stats.tokenRequests).toBe(1);
    const o = resolveAdapterOptions('test', second, { origins: '*' });
    const headers = new Headers();
    await authorize(o, shared, 'GET', api, (name, value) => headers.set(name, value));
    const response = await fetch(api, { headers });
    expect(response.status).toBe(200);
    expect((await response.json()).jkt).toBe(await first.dpop!.thumbprint());
  });

  it('bad options: a TypeError naming the option', async () => {
    await expect(loadDpopKeyPair({ alg: 'HS256' as never })).rejects.toThrow(/option "alg"/);
    await expect(loadDpopKeyPair({ namespace: '' })).rejects.toThrow(/option "namespace"/);
  });
});
