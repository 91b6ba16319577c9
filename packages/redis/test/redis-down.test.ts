/**
 * Redis stopped (SIGKILL) or frozen (SIGSTOP) mid-run, on a private redis-server: each policy
 * does what it documents, no call hangs, and no command waits in a client's offline queue.
 * Clients use their libraries' defaults (offline queue on, reconnecting forever).
 */
import { createTokenVault, type FetchToken, TokenRefreshError, type TokenVault } from '@tokvault/core';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  createRedisStore,
  type RedisStorePolicy,
  type RedisTokenStore,
  STORE_UNAVAILABLE,
} from '../src/index.js';
import { CLIENT_KINDS, connect, type TestClient, uniquePrefix } from './helpers.js';
import { type PrivateRedis, startPrivateRedis } from './privateRedis.js';

const HOUR_S = 3_600;

/** Every call must settle well before this; a hang fails the test with a clear message. */
function settles<T>(promise: Promise<T>, ms = 5_000): Promise<PromiseSettledResult<T>> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const hang = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`call still pending after ${ms} ms`)), ms);
  });
  return Promise.race([
    Promise.allSettled([promise]).then(([r]) => r as PromiseSettledResult<T>),
    hang,
  ]).finally(() => clearTimeout(timer));
}

describe.each(CLIENT_KINDS)('Redis unavailable mid-run (%s)', (kind) => {
  let server: PrivateRedis;
  let redis: TestClient;
  let stores: RedisTokenStore[];
  let vaults: TokenVault[];
  let clockOffset: number;
  let fetches: number;
  const fetchToken = vi.fn<FetchToken>(async () => ({
    accessToken: `down-token-${++fetches}`,
    expiresIn: HOUR_S,
  }));

  beforeEach(async () => {
    server = await startPrivateRedis();
    redis = await connect(kind, server.port);
    stores = [];
    vaults = [];
    clockOffset = 0;
    fetches = 0;
    fetchToken.mockClear();
  });

  afterEach(async () => {
    await Promise.all(vaults.map((v) => v.close()));
    await Promise.all(stores.map((s) => s.close()));
    server.resume();
    await redis.close();
    await server.kill();
  });

  function setup(policy: RedisStorePolicy, count = 1): TokenVault[] {
    const store = createRedisStore(redis.client, {
      prefix: uniquePrefix('down'),
      policy,
      commandTimeoutMs: 300, // room for a busy machine before the outage; every frozen call waits it
    });
    stores.push(store);
    const made = Array.from({ length: count }, () =>
      createTokenVault({ name: 'api', fetchToken, store, retry: false, now: () => Date.now() + clockOffset }),
    );
    vaults.push(...made);
    return made;
  }

  const outages = {
    stopped: () => server.kill(),
    frozen: async () => server.pause(),
  };

  for (const [outage, stop] of Object.entries(outages)) {
    it(`fail-closed, Redis ${outage}: serves the cached token while valid, then fails closed; never refreshes locally`, async () => {
      const [vault, sibling] = setup('fail-closed', 2) as [TokenVault, TokenVault];
      const first = await vault.getToken();
      await stop();

      expect(await settles(vault.getToken())).toMatchObject({ status: 'fulfilled', value: first });
      // A second vault of this process gets the copy the store last saw, without Redis.
      expect(await settles(sibling.getToken())).toMatchObject({
        status: 'fulfilled',
        value: { accessToken: first.accessToken },
      });

      clockOffset = (HOUR_S + 1) * 1_000; // the token has expired
      for (const call of [vault.getToken(), vault.refresh(), sibling.getToken()]) {
        const result = await settles(call);
        expect(result.status).toBe('rejected');
        const error = (result as PromiseRejectedResult).reason;
        expect(error).toBeInstanceOf(TokenRefreshError);
        expect(error).toMatchObject({ code: STORE_UNAVAILABLE, name: 'TokenRefreshError' });
        expect(String(error.message)).toMatch(/fail-closed/);
        expect(String(error.message)).not.toContain(first.accessToken);
      }
      expect(fetchToken).toHaveBeenCalledTimes(1);
    });

    it(`local-fallback, Redis ${outage}: one local refresh for all vaults of the process, no caller error`, async () => {
      const [a, b] = setup('local-fallback', 2) as [TokenVault, TokenVault];
      expect((await a.getToken()).accessToken).toBe((await b.getToken()).accessToken);
      await stop();

      clockOffset = (HOUR_S + 1) * 1_000;
      const results = await Promise.all(
        Array.from({ length: 50 }, (_, i) => settles((i % 2 ? a : b).getToken())),
      );
      expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
      const tokens = new Set(
        results.map((r) => (r as PromiseFulfilledResult<{ accessToken: string }>).value.accessToken),
      );
      expect(tokens).toEqual(new Set(['down-token-2']));
      expect(fetchToken).toHaveBeenCalledTimes(2);
    });
  }
});
