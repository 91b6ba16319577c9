/**
 * A service's API client: axios with tokvault keeping a client-credentials token fresh.
 * This is the part you would write in your own code base.
 */
import { attachTokenVault } from '@tokvault/axios';
import { createTokenVault, type TokenVault } from '@tokvault/core';
import { clientCredentials } from '@tokvault/core/oauth2';
import axios from 'axios';

/** An inventory item, as the API returns it. */
export interface Item {
  id: number;
  name: string;
}

/** Where the client talks to and who it is. */
export interface InventoryClientOptions {
  /** The API base URL, e.g. `https://inventory.example.com/api`. */
  apiUrl: string;
  /** The authorization server's token endpoint. */
  tokenUrl: string;
  /** OAuth client id and secret of this service. */
  clientId: string;
  clientSecret: string;
}

/** The inventory API client. */
export interface InventoryClient {
  /** One item. */
  getItem(id: number): Promise<Item>;
  /** Add an item. */
  addItem(name: string): Promise<Item>;
  /** The vault, for metrics (`vault.on('refresh:success', …)`). */
  readonly vault: TokenVault;
  /** Detach the interceptors and close the vault. */
  close(): Promise<void>;
}

/** Create the client: one vault, one axios instance, tokens only for `apiUrl`'s origin. */
export function createInventoryClient(options: InventoryClientOptions): InventoryClient {
  const vault = createTokenVault({
    name: 'inventory',
    fetchToken: clientCredentials({
      tokenUrl: options.tokenUrl,
      clientId: options.clientId,
      clientSecret: options.clientSecret,
    }),
  });
  const api = axios.create({ baseURL: options.apiUrl, timeout: 10_000 });
  const detach = attachTokenVault(api, vault); // default origins: the baseURL's origin

  return {
    vault,
    async getItem(id) {
      return (await api.get<Item>(`/items/${id}`)).data;
    },
    async addItem(name) {
      return (await api.post<Item>('/items', { name })).data;
    },
    async close() {
      detach();
      await vault.close();
    },
  };
}
