import { inspect } from 'node:util';
import { HttpResponse, http } from 'msw';
import { expect, it } from 'vitest';
import { attachTokenVault } from '../src/index.js';
import { API, createApi, useMockApi, useVaults } from './support.js';

const { server } = useMockApi();
const createVault = useVaults();

it('an AxiosError shows the token only in the request header it was sent with', async () => {
  server.use(http.get(`${API}/always-401`, () => HttpResponse.json({}, { status: 401 })));
  const vault = createVault();
  const api = createApi('http');
  attachTokenVault(api, vault);

  const error = await api.get('/always-401').catch((e: unknown) => e);

  const token = (await vault.getToken()).accessToken;
  // Everything the adapter leaves on the config (its bookkeeping included), minus the header
  // that carries the token by design.
  const { headers, ...config } = (error as { config: Record<string, unknown> }).config;
  expect(String((headers as { Authorization?: unknown }).Authorization)).toContain(token);
  expect(inspect(config, { depth: 10 })).not.toContain(token);
  expect(JSON.stringify(config)).not.toContain(token);
  expect(String((error as Error).message)).not.toContain(token);
});
