import { HttpResponse, http } from 'msw';
import { describe, expect, it } from 'vitest';
import { attachTokenVault } from '../src/index.js';
import { ADAPTERS, API, clientCredentials, createApi, useMockApi, useVaults } from './support.js';

const { auth, server } = useMockApi();
const createVault = useVaults();

describe.each(ADAPTERS)('a fetchToken on the same instance (%s adapter)', (adapter) => {
  it('a fetchToken that uses the same instance (with the opt-out) completes while requests wait on it', async () => {
    // The token endpoint sits on the API origin, so without the opt-out its request would wait
    // for the very refresh it is part of.
    const sameOriginAuth = `${API}/oauth/token`;
    server.use(http.post(sameOriginAuth, ({ request }) => fetch(new Request(auth.tokenUrl, request))));
    const api = createApi(adapter);
    const vault = createVault({ fetchToken: clientCredentials(api, '/oauth/token', { tokenVault: false }) });
    attachTokenVault(api, vault);

    const first = await Promise.all(Array.from({ length: 20 }, () => api.get('/me')));
    auth.expireAll();
    const second = await Promise.all(Array.from({ length: 20 }, () => api.get('/me')));

    expect([...first, ...second].every((r) => r.status === 200)).toBe(true);
    expect(auth.stats.tokenRequests).toBe(2);
  });

  it('a same-instance token request answered 401 is not intercepted: callers get TokenRefreshError', async () => {
    let tokenRequests = 0;
    server.use(
      http.post(`${API}/oauth/token`, () => {
        tokenRequests += 1;
        return HttpResponse.json({ error: 'invalid_client' }, { status: 401 });
      }),
    );
    const api = createApi(adapter);
    const vault = createVault({ fetchToken: clientCredentials(api, '/oauth/token', { tokenVault: false }) });
    attachTokenVault(api, vault);

    await expect(api.get('/me')).rejects.toMatchObject({ name: 'TokenRefreshError' });
    expect(tokenRequests).toBe(1);
  });
});
