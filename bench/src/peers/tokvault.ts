/**
 * tokvault's four adapters, each with a vault whose `fetchToken` makes the same token request
 * as the peers (so the token endpoint costs everyone the same).
 */
import { attachTokenVault } from '@tokvault/axios';
import { createTokenVault, type TokenVault } from '@tokvault/core';
import { createAuthFetch } from '@tokvault/fetch';
import { tokenVaultHooks } from '@tokvault/ky';
import { tokenVaultInterceptor } from '@tokvault/undici';
import axios from 'axios';
import ky from 'ky';
import { Agent } from 'undici';
import {
  type ContenderEnv,
  type ContenderSpec,
  KY_TIMEOUT_MS,
  settle,
  settleFetch,
  settleUndici,
} from '../contender.js';
import { requestToken } from '../tokenEndpoint.js';

function vaultFor(env: ContenderEnv): TokenVault {
  return createTokenVault({
    name: env.clientId,
    fetchToken: ({ signal }) => requestToken(env, signal),
  });
}

/** tokvault with axios (`attachTokenVault`). */
export const tokvaultAxios: ContenderSpec = {
  id: 'tokvault-axios',
  label: 'tokvault + axios',
  client: 'axios',
  kind: 'tokvault',
  setup: '`attachTokenVault(axios.create({ baseURL }), vault)`, default options.',
  async create(env) {
    const vault = vaultFor(env);
    const instance = axios.create({ baseURL: env.apiUrl });
    const detach = attachTokenVault(instance, vault);
    return {
      get: (path) => settle(instance.get(path)),
      async close() {
        detach();
        await vault.close();
      },
    };
  },
};

/** tokvault with ky (`tokenVaultHooks`). */
export const tokvaultKy: ContenderSpec = {
  id: 'tokvault-ky',
  label: 'tokvault + ky',
  client: 'ky',
  kind: 'tokvault',
  setup: '`ky.create({ prefix, timeout: 60_000, hooks: tokenVaultHooks(vault) })`, default adapter options.',
  async create(env) {
    const vault = vaultFor(env);
    const api = ky.create({ prefix: env.apiUrl, timeout: KY_TIMEOUT_MS, hooks: tokenVaultHooks(vault) });
    return {
      get: (path) => settle(api.get(path.slice(1)).arrayBuffer()),
      close: () => vault.close(),
    };
  },
};

/** tokvault with fetch (`createAuthFetch`). */
export const tokvaultFetch: ContenderSpec = {
  id: 'tokvault-fetch',
  label: 'tokvault + fetch',
  client: 'fetch',
  kind: 'tokvault',
  setup: '`createAuthFetch(vault, { origins: apiOrigin })`, default options otherwise.',
  async create(env) {
    const vault = vaultFor(env);
    const authFetch = createAuthFetch(vault, { origins: new URL(env.apiUrl).origin });
    return {
      get: (path) => settleFetch(authFetch(`${env.apiUrl}${path}`)),
      close: () => vault.close(),
    };
  },
};

/** tokvault with undici (`tokenVaultInterceptor` on an `Agent`). */
export const tokvaultUndici: ContenderSpec = {
  id: 'tokvault-undici',
  label: 'tokvault + undici',
  client: 'undici',
  kind: 'tokvault',
  setup:
    '`new Agent().compose(tokenVaultInterceptor(vault, { origins: apiOrigin }))`, `undici.request(url, { dispatcher })`.',
  async create(env) {
    const vault = vaultFor(env);
    const dispatcher = new Agent().compose(
      tokenVaultInterceptor(vault, { origins: new URL(env.apiUrl).origin }),
    );
    return {
      get: (path) => settleUndici(`${env.apiUrl}${path}`, { dispatcher }),
      async close() {
        await vault.close();
        await dispatcher.close();
      },
    };
  },
};
