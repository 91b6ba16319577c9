import { TokenRefreshError, VaultClosedError } from '@tokvault/core';
import axios, { AxiosError } from 'axios';
import { describe, expect, it } from 'vitest';
import { attachTokenVault, getAxiosError } from '../src/index.js';
import { ADAPTERS, clientCredentials, createApi, gate, useMockApi, useVaults, waitUntil } from './support.js';

const { auth, seen } = useMockApi();
const createVault = useVaults();

describe.each(ADAPTERS)('refresh failure (%s adapter)', (adapter) => {
  it("every affected request rejects with the vault's TokenRefreshError; the 401 stays reachable", async () => {
    const api = createApi(adapter);
    attachTokenVault(api, createVault());
    await api.get('/warm-up');
    auth.expireAll();
    auth.failNext(1, { status: 400, body: { error: 'invalid_grant' } });

    const errors = await Promise.all(
      Array.from({ length: 10 }, (_, i) => api.get(`/r/${i}`).catch((e: unknown) => e)),
    );

    const vaultErrors = new Set(errors.map((e) => Object.getPrototypeOf(e)));
    expect(vaultErrors.size).toBe(1); // one shared refresh error behind every request's view
    for (const error of errors) {
      expect(error).toBeInstanceOf(TokenRefreshError);
      expect((error as TokenRefreshError).name).toBe('TokenRefreshError');
      expect((error as TokenRefreshError).cause).toBeInstanceOf(AxiosError); // the token endpoint's 400
      expect(((error as TokenRefreshError).cause as AxiosError).response?.status).toBe(400);
      expect(getAxiosError(error)?.response?.status).toBe(401); // this request's own 401
      expect(String((error as Error).message)).not.toMatch(/Bearer/);
    }
    expect(new Set(errors.map((e) => getAxiosError(e)?.config?.url)).size).toBe(10);
    expect(getAxiosError(new TokenRefreshError('not from a request'))).toBeUndefined();
    expect(getAxiosError(new Error('not a refresh error'))).toBeUndefined();
    expect(auth.stats.tokenRequests).toBe(2);

    await expect(api.get('/after')).resolves.toMatchObject({ status: 200 }); // not cached
    expect(auth.stats.tokenRequests).toBe(3);
  });

  it('closing the vault rejects requests waiting on it with VaultClosedError (nothing hangs)', async () => {
    const release = gate();
    const fetch = clientCredentials(axios.create());
    const vault = createVault({
      fetchToken: async (ctx) => {
        await release.promise;
        return fetch(ctx);
      },
    });
    const api = createApi(adapter);
    attachTokenVault(api, vault);
    let started = false;
    vault.on('refresh:start', () => {
      started = true;
    });
    const pending = Promise.all([api.get('/a'), api.get('/b')]);
    await waitUntil(() => started);

    await vault.close();

    await expect(pending).rejects.toBeInstanceOf(VaultClosedError);
    expect(seen).toHaveLength(0);
    release.open();
  });
});
