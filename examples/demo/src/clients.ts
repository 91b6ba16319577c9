/**
 * The three clients of the demo, each configured the way the README shows: its own vault
 * (`clientCredentials` against the mock server) and the tokvault adapter of its HTTP client.
 */
import { attachTokenVault } from '@tokvault/axios';
import { createTokenVault, type TokenVault } from '@tokvault/core';
import { clientCredentials } from '@tokvault/core/oauth2';
import { createAuthFetch } from '@tokvault/fetch';
import { tokenVaultHooks } from '@tokvault/ky';
import axios from 'axios';
import ky from 'ky';
import type { DemoServer } from './server.js';

/** The HTTP clients the demo drives. */
export const CLIENT_NAMES = ['axios', 'ky', 'fetch'] as const;

/** One of {@link CLIENT_NAMES}. */
export type ClientName = (typeof CLIENT_NAMES)[number];

/** A demo client: GET the orders, count its token requests, close. */
export interface DemoClient {
  readonly name: ClientName;
  readonly vault: TokenVault;
  /** Token-endpoint requests this client made (counted at its `fetch`). */
  tokenRequests(): number;
  /** GET the orders; resolves to `true` on a 2xx, `false` on any error. */
  getOrders(): Promise<boolean>;
  close(): Promise<void>;
}

/** The credentials of a demo client on the mock server. */
export function credentialsOf(name: ClientName): {
  name: ClientName;
  clientId: string;
  clientSecret: string;
} {
  return { name, clientId: `demo-${name}`, clientSecret: `demo-${name}-secret` };
}

/** Create one demo client against `server`. */
export function createDemoClient(name: ClientName, server: DemoServer): DemoClient {
  let tokenRequests = 0;
  const { clientId, clientSecret } = credentialsOf(name);
  const vault = createTokenVault({
    name: clientId,
    fetchToken: clientCredentials({
      tokenUrl: server.http.tokenUrl,
      clientId,
      clientSecret,
      fetch: (input, init) => {
        tokenRequests += 1;
        return fetch(input, init);
      },
    }),
  });
  const baseURL = server.apiUrl(name);
  let getOrders: () => Promise<unknown>;
  let detach = () => {};
  if (name === 'axios') {
    const api = axios.create({ baseURL });
    detach = attachTokenVault(api, vault);
    getOrders = () => api.get('/orders');
  } else if (name === 'ky') {
    const api = ky.create({ prefix: baseURL, hooks: tokenVaultHooks(vault) });
    getOrders = () => api.get('orders').json();
  } else {
    const authFetch = createAuthFetch(vault, { origins: server.http.url });
    getOrders = async () => {
      const response = await authFetch(`${baseURL}/orders`);
      await response.arrayBuffer();
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
    };
  }
  return {
    name,
    vault,
    tokenRequests: () => tokenRequests,
    getOrders: () =>
      getOrders().then(
        () => true,
        () => false,
      ),
    async close() {
      detach();
      await vault.close();
    },
  };
}
