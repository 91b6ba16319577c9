/**
 * Over a real loopback HTTP server: the mock authorization server's `listen()` serves both the
 * token endpoint and a protected API; `createAuthFetch` uses the real `fetch` (no MSW).
 */
import { createTokenVault } from '@tokvault/core';
import { createAuthFetch } from '@tokvault/fetch';
import { createMockAuthServer, type MockAuthHttpServer } from '@tokvault/msw';
import { CONTRACT_CLIENT, startChunkedRefusalApi } from '@tokvault/testkit';
import { HttpResponse, http } from 'msw';
import { afterAll, beforeAll, expect, it } from 'vitest';

const auth = createMockAuthServer({
  tokenUrl: 'http://127.0.0.1/oauth/token',
  clients: [CONTRACT_CLIENT],
  singleActiveToken: true,
});
let server: MockAuthHttpServer;

beforeAll(async () => {
  server = await auth.listen({
    handlers: [
      http.post(
        '/api/items',
        auth.protect(async ({ request }) => HttpResponse.json(await request.json())),
      ),
    ],
  });
});
afterAll(() => server.close());

it('refreshes once for a burst of 401s and replays the JSON bodies', async () => {
  await using vault = createTokenVault({
    retry: false,
    fetchToken: async ({ signal }) => {
      const response = await fetch(server.tokenUrl, {
        method: 'POST',
        body: new URLSearchParams({ grant_type: 'client_credentials', ...toParams(CONTRACT_CLIENT) }),
        signal,
      });
      const json = (await response.json()) as { access_token: string; expires_in: number };
      return { accessToken: json.access_token, expiresIn: json.expires_in };
    },
  });
  const authFetch = createAuthFetch(vault, { origins: server.url });
  const post = (n: number) =>
    authFetch(`${server.url}/api/items`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ n }),
    }).then((response) => response.json());

  expect(await post(0)).toEqual({ n: 0 });
  auth.expireAll();
  const results = await Promise.all(Array.from({ length: 50 }, (_, n) => post(n)));
  expect(results.filter((result, n) => (result as { n?: number }).n !== n)).toEqual([]);
  expect(auth.stats.tokenRequests).toBe(2);
  expect(auth.stats.rejectedApiRequests).toBe(50); // expired, or superseded once the new token exists
});

function toParams(client: { clientId: string; clientSecret: string }): Record<string, string> {
  return { client_id: client.clientId, client_secret: client.clientSecret };
}

it('resends on the connection of a 401 whose body has no length (chunked): read, not cancelled', async () => {
  await using api = await startChunkedRefusalApi();
  await using vault = createTokenVault({ fetchToken: api.fetchToken });
  const authFetch = createAuthFetch(vault, { origins: api.origin }); // the global fetch: a pool per origin
  const response = await authFetch(`${api.origin}/me`);
  expect([response.status, await response.text()]).toEqual([200, 'ok']);
  expect(api.calls).toBe(2);
  expect(api.connections).toBe(1);
});
