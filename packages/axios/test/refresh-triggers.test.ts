import { HttpResponse, http } from 'msw';
import { describe, expect, it } from 'vitest';
import { attachTokenVault } from '../src/index.js';
import { ADAPTERS, API, createApi, useMockApi, useVaults } from './support.js';

const { auth, server } = useMockApi();
const createVault = useVaults();

describe.each(ADAPTERS)('what triggers a refresh (%s adapter)', (adapter) => {
  it('a 401 whose WWW-Authenticate says insufficient_scope is not refreshed, even if listed in statusCodes', async () => {
    let hits = 0;
    server.use(
      http.get(`${API}/admin`, () => {
        hits += 1;
        return HttpResponse.json(
          { error: 'insufficient_scope' },
          {
            status: 401,
            headers: { 'WWW-Authenticate': 'Bearer error="insufficient_scope", scope="admin"' },
          },
        );
      }),
      http.get(
        `${API}/scoped`,
        auth.protect(() => HttpResponse.json({ ok: true }), { scopes: ['admin'] }),
      ),
    );
    const api = createApi(adapter);
    attachTokenVault(api, createVault(), { statusCodes: [401, 403] });

    await expect(api.get('/admin')).rejects.toMatchObject({ response: { status: 401 } });
    await expect(api.get('/scoped')).rejects.toMatchObject({ response: { status: 403 } });
    expect(hits).toBe(1);
    expect(auth.stats.tokenRequests).toBe(1);
  });

  it('statusCodes and shouldRefresh choose which responses refresh', async () => {
    let first = true;
    let flaggedHits = 0;
    server.use(
      http.get(`${API}/session`, () => {
        const status = first ? 419 : 200;
        first = false;
        return HttpResponse.json({ ok: status === 200 }, { status });
      }),
      http.get(`${API}/flagged`, () => {
        flaggedHits += 1;
        return flaggedHits === 1
          ? HttpResponse.json({}, { status: 400, headers: { 'x-token-expired': '1' } })
          : HttpResponse.json({ ok: true });
      }),
    );
    const byStatus = createApi(adapter);
    attachTokenVault(byStatus, createVault(), { statusCodes: [419] });
    await expect(byStatus.get('/session')).resolves.toMatchObject({ status: 200 });

    const byPredicate = createApi(adapter);
    const vault = createVault();
    attachTokenVault(byPredicate, vault, {
      shouldRefresh: (response) => response.headers['x-token-expired'] === '1',
    });
    const before = auth.stats.tokenRequests;
    await expect(byPredicate.get('/flagged')).resolves.toMatchObject({ status: 200 });
    expect(auth.stats.tokenRequests - before).toBe(2); // its first token and the refresh
    expect(flaggedHits).toBe(2);
  });
});
