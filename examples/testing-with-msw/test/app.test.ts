/**
 * Testing an app's token handling with @tokvault/msw: expiry, refresh failure and logout.
 * Copy this file's setup for your own app.
 */
import { createMockAuthServer } from '@tokvault/msw';
import { HttpResponse, http } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { type App, createApp, type Order, SignedOutError } from '../src/app.js';

const TOKEN_URL = 'https://auth.example.test/oauth/token';
const API_URL = 'https://api.example.test/v1/';
const TTL_MS = 5 * 60_000;

// 1. The mock authorization server: one public client, 5-minute access tokens, rotating refresh tokens.
const auth = createMockAuthServer({
  tokenUrl: TOKEN_URL,
  clients: [{ clientId: 'web-app' }],
  accessTokenTtlMs: TTL_MS,
});

// 2. Your API's handlers, wrapped in auth.protect(): they only answer with a valid access token.
const orders: Order[] = [];
const server = setupServer(
  ...auth.handlers,
  http.get(
    `${API_URL}orders`,
    auth.protect(() => HttpResponse.json(orders)),
  ),
  http.post<never, { item: string }>(
    `${API_URL}orders`,
    auth.protect(async ({ request }) => {
      const order = { id: orders.length + 1, item: (await request.json()).item };
      orders.push(order);
      return HttpResponse.json(order, { status: 201 });
    }),
  ),
);

beforeAll(() => server.listen({ onUnhandledFrame: 'error' }));
afterAll(() => server.close());

// 3. Per test: "sign in" (the server mints the user's refresh token) and build the app.
let app: App;
let saved: string[];
beforeEach(() => {
  saved = [];
  app = createApp({
    apiUrl: API_URL,
    tokenUrl: TOKEN_URL,
    clientId: 'web-app',
    refreshToken: auth.issueRefreshToken('web-app'),
    saveRefreshToken: (token) => void saved.push(token),
  });
});
afterEach(async () => {
  await app.logout();
  auth.reset();
  orders.length = 0;
  vi.useRealTimers();
});

describe('token expiry', () => {
  it('fetches one token for concurrent first calls', async () => {
    await Promise.all([app.listOrders(), app.createOrder('tea'), app.listOrders()]);
    expect(auth.stats.tokenRequests).toBe(1);
    expect(auth.stats.rejectedApiRequests).toBe(0);
  });

  it('refreshes before calling the API once the clock passes the expiry', async () => {
    // Fake only the clock and timeouts: MSW needs a real setImmediate.
    vi.useFakeTimers({ toFake: ['Date', 'setTimeout', 'clearTimeout'] });
    await app.listOrders();
    vi.advanceTimersByTime(TTL_MS);
    await Promise.all([app.listOrders(), app.listOrders()]);
    expect(auth.stats.tokenRequests).toBe(2);
    expect(auth.stats.rejectedApiRequests).toBe(0); // refreshed ahead, no 401 on the way
    expect(saved).toHaveLength(2); // each rotated refresh token was persisted
  });

  it('recovers from a 401 when the server expires the token early', async () => {
    await app.listOrders();
    auth.expireAll();
    expect(await app.createOrder('coffee')).toEqual({ id: 1, item: 'coffee' });
    expect(auth.stats.rejectedApiRequestsByReason.expired).toBe(1);
    expect(auth.stats.tokenRequests).toBe(2);
    expect(orders).toHaveLength(1); // the retried POST reached the API exactly once
  });
});

describe('refresh failure', () => {
  it('rides out a transient token-endpoint outage', async () => {
    auth.failNext(1, { status: 503, retryAfter: 0 });
    await expect(app.listOrders()).resolves.toEqual([]);
    expect(auth.stats.tokenRequests).toBe(2);
    expect(app.signedOut).toBe(false);
  });

  it('signs the user out when the refresh token is revoked', async () => {
    await app.listOrders();
    auth.revokeAll(); // e.g. the user changed their password elsewhere
    const error = await app.listOrders().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SignedOutError);
    expect((error as SignedOutError).cause).toMatchObject({ code: 'invalid_grant', retryable: false });
    expect(app.signedOut).toBe(true);
    expect(auth.stats.tokenErrors.invalid_grant).toBe(1);
  });
});

describe('logout', () => {
  it('stops sending requests and tokens', async () => {
    await app.listOrders();
    const { tokenRequests, apiRequests } = auth.stats;
    await app.logout();
    await expect(app.listOrders()).rejects.toBeInstanceOf(SignedOutError);
    expect(auth.stats.tokenRequests).toBe(tokenRequests);
    expect(auth.stats.apiRequests).toBe(apiRequests);
  });
});
