/**
 * `shouldRefresh` receives the axios response (the option itself, with `statusCodes`, is in the
 * adapter contract).
 */
import { HttpResponse, http } from 'msw';
import { describe, expect, it } from 'vitest';
import { attachTokenVault } from '../src/index.js';
import { ADAPTERS, API, createApi, useMockApi, useVaults } from './support.js';

const { auth, server } = useMockApi();
const createVault = useVaults();

describe.each(ADAPTERS)('shouldRefresh (%s adapter)', (adapter) => {
  it('receives the axios response: its headers as axios parsed them', async () => {
    let flaggedHits = 0;
    server.use(
      http.get(`${API}/flagged`, () => {
        flaggedHits += 1;
        return flaggedHits === 1
          ? HttpResponse.json({}, { status: 400, headers: { 'x-token-expired': '1' } })
          : HttpResponse.json({ ok: true });
      }),
    );
    const api = createApi(adapter);
    attachTokenVault(api, createVault(), {
      shouldRefresh: (response) => response.headers['x-token-expired'] === '1',
    });
    await expect(api.get('/flagged')).resolves.toMatchObject({ status: 200 });
    expect(auth.stats.tokenRequests).toBe(2); // its first token and the refresh
    expect(flaggedHits).toBe(2);
  });
});
