import { createMockAuthServer } from '@tokvault/msw';
import { setupServer } from 'msw/node';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { createMemoryStore, createTokenVault } from '../src/index.js';
import { refreshTokenGrant } from '../src/oauth2.js';

const tokenUrl = 'https://auth.shared.test/oauth/token';
const auth = createMockAuthServer({ tokenUrl, clients: [{ clientId: 'spa' }], accessTokenTtlMs: 60_000 });
const server = setupServer(...auth.handlers);
beforeAll(() => server.listen({ onUnhandledFrame: 'error' }));
afterAll(() => server.close());

it('two vaults sharing a store never redeem a rotated refresh token', async () => {
  vi.useFakeTimers({ toFake: ['Date'] });
  const memory = createMemoryStore();
  const store = {
    get: memory.get.bind(memory),
    withLock: memory.withLock.bind(memory),
    delete: memory.delete.bind(memory),
  };
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
    expect(auth.stats.reuseDetections).toBe(0);
  } finally {
    vi.useRealTimers();
    await a.close();
    await b.close();
  }
});
