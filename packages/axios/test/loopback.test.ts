import { createTokenVault, type TokenVault } from '@tokvault/core';
import { createMockAuthServer, type MockAuthHttpServer } from '@tokvault/msw';
import axios from 'axios';
import { HttpResponse, http } from 'msw';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { attachTokenVault } from '../src/index.js';
import { CLIENT, clientCredentials, clock } from './support.js';

// Real TCP on 127.0.0.1: no MSW interception in this file, axios talks to a real HTTP server.
const auth = createMockAuthServer({
  tokenUrl: '/oauth/token',
  clients: [CLIENT],
  accessTokenTtlMs: 60_000,
  singleActiveToken: true,
  now: () => clock.now,
});
let server: MockAuthHttpServer;
let vault: TokenVault | undefined;

beforeAll(async () => {
  server = await auth.listen({
    handlers: [
      http.get(
        '/api/items/:id',
        auth.protect(({ params }) => HttpResponse.json({ id: params.id })),
      ),
    ],
  });
});
afterEach(async () => {
  await vault?.close();
  auth.reset();
});
afterAll(() => server.close());

describe('over a real loopback HTTP server (http adapter)', () => {
  it('500 concurrent requests with an expired token: 1 token request, 500 successes', {
    timeout: 60_000,
  }, async () => {
    vault = createTokenVault({
      fetchToken: clientCredentials(axios.create(), server.tokenUrl),
      now: () => clock.now,
    });
    const api = axios.create({ baseURL: `${server.url}/api`, adapter: 'http' });
    attachTokenVault(api, vault);
    await api.get('/items/warm-up');
    auth.expireAll();

    const results = await Promise.all(Array.from({ length: 500 }, (_, i) => api.get(`/items/${i}`)));

    expect(results.map((r) => r.data.id)).toEqual(Array.from({ length: 500 }, (_, i) => String(i)));
    expect(auth.stats.tokenRequests).toBe(2);
    expect(auth.stats.rejectedApiRequests).toBe(500); // expired, or superseded once the refresh landed
    expect(auth.stats.apiRequests).toBe(1 + 500 * 2);
  });
});
