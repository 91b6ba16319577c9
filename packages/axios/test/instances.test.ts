import axios from 'axios';
import { describe, expect, it } from 'vitest';
import { attachTokenVault } from '../src/index.js';
import {
  ADAPTERS,
  clientCredentials,
  createApi,
  gate,
  OTHER,
  useMockApi,
  useVaults,
  waitUntil,
} from './support.js';

const { auth, seen } = useMockApi();
const createVault = useVaults();

describe.each(ADAPTERS)('instances (%s adapter)', (adapter) => {
  it('two instances on one vault share one refresh', async () => {
    const vault = createVault();
    const a = createApi(adapter);
    const b = createApi(adapter);
    attachTokenVault(a, vault);
    attachTokenVault(b, vault);
    await Promise.all([a.get('/warm-a'), b.get('/warm-b')]);
    auth.expireAll();

    const results = await Promise.all(
      Array.from({ length: 40 }, (_, i) => (i % 2 === 0 ? a : b).get(`/items/${i}`)),
    );

    expect(results.every((r) => r.status === 200)).toBe(true);
    expect(auth.stats.tokenRequests).toBe(2);
  });

  it('detach() removes both interceptors: no token, no refresh, no retry; it is idempotent', async () => {
    const vault = createVault();
    const api = createApi(adapter);
    const detach = attachTokenVault(api, vault);
    await api.get('/attached');
    auth.expireAll();

    detach();
    detach();
    await expect(api.get('/detached')).rejects.toMatchObject({ response: { status: 401 } });

    expect(seen.map((s) => s.authorization !== null)).toEqual([true, false]);
    expect(auth.stats.tokenRequests).toBe(1);
    attachTokenVault(api, vault);
    await expect(api.get('/reattached')).resolves.toMatchObject({ status: 200 });
    expect(auth.stats.tokenRequests).toBe(2);
  });

  it('one instance can carry two vaults for different origins; each refreshes only its own', async () => {
    const apiVault = createVault();
    const otherVault = createVault();
    const refreshes = { api: 0, other: 0 };
    apiVault.on('refresh:start', () => refreshes.api++);
    otherVault.on('refresh:start', () => refreshes.other++);
    const api = createApi(adapter);
    attachTokenVault(api, apiVault);
    attachTokenVault(api, otherVault, { origins: OTHER, header: 'X-Other-Token' });
    await api.get('/first');
    await api.get(`${OTHER}/first`);
    auth.expireAll();

    await expect(api.get('/after-expiry')).resolves.toMatchObject({ status: 200 });

    expect(refreshes).toEqual({ api: 2, other: 1 });
    const [apiHit, otherHit] = seen;
    expect(apiHit?.headers['x-other-token']).toBeUndefined();
    expect(otherHit?.authorization).toBeNull();
    expect(otherHit?.headers['x-other-token']).toMatch(/^Bearer /);
  });

  it('a request already waiting for the refresh when detach() runs is still resent with the new token', async () => {
    const release = gate();
    const fetchToken = clientCredentials(axios.create());
    let calls = 0;
    const vault = createVault({
      fetchToken: async (ctx) => {
        calls += 1;
        if (calls === 2) await release.promise;
        return fetchToken(ctx);
      },
    });
    const api = createApi(adapter);
    const detach = attachTokenVault(api, vault);
    await api.get('/before');
    auth.expireAll();
    const pending = api.get('/during');
    await waitUntil(() => calls === 2);

    detach();
    release.open();

    await expect(pending).resolves.toMatchObject({ status: 200 });
    expect(seen.map((s) => s.path)).toEqual(['/before', '/during', '/during']);
  });
});
