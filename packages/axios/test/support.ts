/**
 * Test wiring for @tokvault/axios: a mock authorization server (MSW, real msw/node interception
 * of axios's http and fetch adapters), a protected echo API, a shared fake clock and a
 * `fetchToken` that uses axios itself.
 */
import { createTokenVault, type FetchToken, type TokenVault, type TokenVaultOptions } from '@tokvault/core';
import { createMockAuthServer, type MockAuthServerOptions } from '@tokvault/msw';
import axios, { type AxiosInstance, type AxiosRequestConfig } from 'axios';
import { HttpResponse, http } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll } from 'vitest';

export const API = 'https://api.example.com';
export const OTHER = 'https://other.example.com';
export const TOKEN_URL = 'https://auth.example.com/oauth/token';
export const CLIENT = { clientId: 'app', clientSecret: 's3cret' } as const;
export const ADAPTERS = ['http', 'fetch'] as const;
export type AdapterName = (typeof ADAPTERS)[number];

/** A manual clock shared by the vault and the mock server (no wall-clock assertions). */
export const clock = { now: 1_800_000_000_000 };
const now = () => clock.now;

/** What the echo API saw for one request. */
export interface Seen {
  path: string;
  authorization: string | null;
  headers: Record<string, string>;
  contentType: string | null;
  body: string;
}

/** Start MSW for a test file; returns the server plus per-test auth server and request log. */
export function useMockApi(options: Partial<MockAuthServerOptions> = {}) {
  const auth = createMockAuthServer({ tokenUrl: TOKEN_URL, clients: [CLIENT], now, ...options });
  const seen: Seen[] = [];
  const record = async (request: Request): Promise<Seen> => {
    const entry: Seen = {
      path: new URL(request.url).pathname,
      authorization: request.headers.get('authorization'),
      headers: Object.fromEntries(request.headers),
      contentType: request.headers.get('content-type'),
      body: request.method === 'GET' ? '' : await request.clone().text(),
    };
    seen.push(entry);
    return entry;
  };
  const echo = auth.protect(async ({ request }) =>
    HttpResponse.json({ ok: true, path: new URL(request.url).pathname }),
  );
  const server = setupServer(
    ...auth.handlers,
    http.all(`${API}/*`, async ({ request, ...rest }) => {
      await record(request);
      return echo({ request, ...rest });
    }),
    http.all(`${OTHER}/*`, async ({ request }) => HttpResponse.json(await record(request))),
  );
  beforeAll(() => server.listen({ onUnhandledFrame: 'error' }));
  afterEach(() => {
    server.resetHandlers();
    auth.reset();
    seen.length = 0;
  });
  afterAll(() => server.close());
  return { auth, server, seen, record };
}

/** `fetchToken` doing a client_credentials grant with `client` (any axios instance). */
export function clientCredentials(
  client: AxiosInstance,
  tokenUrl = TOKEN_URL,
  config: AxiosRequestConfig = {},
): FetchToken {
  return async ({ signal }) => {
    const form = new URLSearchParams({ grant_type: 'client_credentials', ...toForm(CLIENT) });
    const { data } = await client.post(tokenUrl, form, { ...config, signal });
    return { accessToken: data.access_token, expiresIn: data.expires_in, tokenType: data.token_type };
  };
}

function toForm(client: typeof CLIENT): Record<string, string> {
  return { client_id: client.clientId, client_secret: client.clientSecret };
}

/** A vault on the shared clock, closed after the test. */
export function useVaults() {
  const vaults: TokenVault[] = [];
  afterEach(async () => {
    await Promise.all(vaults.splice(0).map((vault) => vault.close()));
  });
  return (options: Partial<TokenVaultOptions> = {}): TokenVault => {
    const vault = createTokenVault({
      fetchToken: clientCredentials(axios.create()),
      now,
      retry: false,
      ...options,
    });
    vaults.push(vault);
    return vault;
  };
}

/** An axios instance on the API origin using the named adapter. */
export function createApi(adapter: AdapterName, config: AxiosRequestConfig = {}): AxiosInstance {
  return axios.create({ baseURL: API, adapter, ...config });
}

/** A promise with its resolve function, to hold a step until the test releases it. */
export function gate(): { promise: Promise<void>; open: () => void } {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { promise, open };
}

/** Yield to the event loop until `condition()` holds. */
export async function waitUntil(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setImmediate(resolve));
}
