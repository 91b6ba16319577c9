import { createMockAuthServer } from '@tokvault/msw';
import { setupServer } from 'msw/node';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createMemoryStore, createTokenVault, type TokenStore } from '../src/index.js';
import { refreshTokenGrant } from '../src/oauth2.js';

const tokenUrl = 'https://auth.shared.test/oauth/token';
const auth = createMockAuthServer({ tokenUrl, clients: [{ clientId: 'spa' }], accessTokenTtlMs: 60_000 });
const server = setupServer(...auth.handlers);
beforeAll(() => server.listen({ onUnhandledFrame: 'error' }));
afterAll(() => server.close());

/** The memory store without `subscribe`: a sharer that missed (or cannot get) change notifications. */
function withoutSubscribe(store: TokenStore): TokenStore {
  return {
    get: store.get.bind(store),
    withLock: store.withLock.bind(store),
    delete: store.delete.bind(store),
  };
}

describe.each([
  ['with subscribe', () => createMemoryStore()],
  [
    'without subscribe (the refresh token is read from the store inside the lock)',
    () => withoutSubscribe(createMemoryStore()),
  ],
])('two vaults sharing a store %s', (_label, makeStore) => {
  it("follow each other's refresh-token rotation: a rotated refresh token is never redeemed", async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    auth.reset();
    const store = makeStore();
    const initial = auth.issueRefreshToken('spa');
    const make = () =>
      createTokenVault({
        name: 'user',
        store,
        retry: false,
        fetchToken: refreshTokenGrant({ tokenUrl, clientId: 'spa', refreshToken: initial }),
      });
    const a = make();
    const b = make();
    try {
      await a.getToken(); // A: RT0 -> RT1, stored
      await b.getToken(); // B adopts the stored token (RT1)
      vi.advanceTimersByTime(60_000);
      await a.getToken(); // A: RT1 -> RT2, stored
      vi.advanceTimersByTime(60_000);
      await b.getToken(); // B must use RT2 (from the store), not its own RT1
      expect(auth.stats.tokenRequestsByGrant.refresh_token).toBe(3);
      expect(auth.stats.reuseDetections).toBe(0);
    } finally {
      vi.useRealTimers();
      await a.close();
      await b.close();
    }
  });
});
