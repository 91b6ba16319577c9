import { inspect } from 'node:util';
import { HttpResponse, http } from 'msw';
import { expect, it } from 'vitest';
import { attachTokenVault } from '../src/index.js';
import { API, createApi, useMockApi, useVaults } from './support.js';

const { server } = useMockApi();
const createVault = useVaults();

it("the interceptors' bookkeeping on error.config never shows the token", async () => {
  server.use(http.get(`${API}/always-401`, () => HttpResponse.json({}, { status: 401 })));
  const vault = createVault();
  const api = createApi('http');
  attachTokenVault(api, vault);

  const error = await api.get('/always-401').catch((e: unknown) => e);

  const token = (await vault.getToken()).accessToken;
  const state = (error as { config: Record<string, unknown> }).config.__tokvault;
  expect(state).toBeDefined();
  expect(JSON.stringify(state)).toBe('{"retried":true}');
  expect(inspect(state, { depth: 10 })).not.toContain(token);
  expect(String((error as Error).message)).not.toContain(token);
});
