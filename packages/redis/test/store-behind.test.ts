/**
 * Fleet failures are refresh failures, and no rotated refresh token is lost: a lost lock and a
 * closed store reject waiters with a coded `TokenRefreshError`; when Redis stops answering after
 * `fetchToken` succeeded, the waiters still get the token, `store:error` says Redis is behind,
 * and Redis holds the token once it answers again.
 */
import {
  createTokenVault,
  type FetchToken,
  type FetchTokenContext,
  TokenRefreshError,
  type TokenVault,
  type VaultEventMap,
} from '@tokvault/core';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  createRedisStore,
  LOCK_LOST,
  type RedisStorePolicy,
  type RedisTokenStore,
  STORE_CLOSED,
  STORE_UNAVAILABLE,
} from '../src/index.js';
import { connect, deleteKeys, type TestClient, uniquePrefix } from './helpers.js';
import { type PrivateRedis, startPrivateRedis } from './privateRedis.js';

const KINDS = ['node-redis 6', 'ioredis 6'] as const;

/** Waits for the abort of its signal and rejects with the reason, as a well-behaved source does. */
const untilAborted = ({ signal }: FetchTokenContext) =>
  new Promise<never>((_, reject) => {
    signal.addEventListener('abort', () => reject(signal.reason), { once: true });
  });

describe.each(KINDS)('refresh errors from the Redis store (%s)', (kind) => {
  let redis: TestClient;
  const prefix = uniquePrefix('errors');
  const stores: RedisTokenStore[] = [];
  const vaults: TokenVault[] = [];
  beforeAll(async () => {
    redis = await connect(kind);
  });
  afterEach(async () => {
    await Promise.all(vaults.splice(0).map((v) => v.close()));
    await Promise.all(stores.splice(0).map((s) => s.close()));
  });
  afterAll(async () => {
    await deleteKeys(redis, prefix);
    await redis.close();
  });

  it('losing the lock mid-refresh rejects every waiter with a retryable TokenRefreshError (lock_lost)', async () => {
    const store = createRedisStore(redis.client, { prefix, lockTtlMs: 90 });
    stores.push(store);
    const fetchToken = vi.fn<FetchToken>(async (context) => {
      // Another process takes the lock over (as after a long GC pause): the watchdog notices.
      await redis.command('SET', `{${prefix}:stolen}:lock`, 'another-process', 'PX', '10000');
      return untilAborted(context);
    });
    const vault = createTokenVault({ name: 'stolen', store, fetchToken, retry: false });
    vaults.push(vault);
    const results = await Promise.allSettled([vault.getToken(), vault.getToken(), vault.refresh()]);
    const errors = results.map((r) => (r as PromiseRejectedResult).reason);
    for (const error of errors) {
      expect(error).toBeInstanceOf(TokenRefreshError);
      expect(error).toMatchObject({ code: LOCK_LOST, retryable: true });
      expect(error).toBe(errors[0]);
    }
    await redis.command('DEL', `{${prefix}:stolen}:lock`);
  });

  it('a closed store rejects refreshes with a TokenRefreshError (store_closed)', async () => {
    const store = createRedisStore(redis.client, { prefix });
    stores.push(store);
    const vault = createTokenVault({ name: 'closed', store, fetchToken: async () => 'never', retry: false });
    vaults.push(vault);
    await store.close();
    const error = await vault.getToken().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TokenRefreshError);
    expect(error).toMatchObject({ code: STORE_CLOSED, retryable: false });
  });
});

describe.each(KINDS)('Redis stops answering after fetchToken succeeded (%s)', (kind) => {
  let server: PrivateRedis;
  let redis: TestClient;
  const stores: RedisTokenStore[] = [];
  const vaults: TokenVault[] = [];

  beforeAll(async () => {
    server = await startPrivateRedis();
    redis = await connect(kind, server.port);
  });
  afterEach(async () => {
    server.resume();
    await Promise.all(vaults.splice(0).map((v) => v.close()));
    await Promise.all(stores.splice(0).map((s) => s.close()));
  });
  afterAll(async () => {
    server.resume();
    await redis.close();
    await server.kill();
  });

  function setup(policy: RedisStorePolicy, fetchToken: FetchToken) {
    const prefix = uniquePrefix('behind');
    const store = createRedisStore(redis.client, { prefix, policy, commandTimeoutMs: 400, lockTtlMs: 3_000 });
    stores.push(store);
    const vault = createTokenVault({ name: 'api', store, fetchToken, retry: false });
    vaults.push(vault);
    const events: Array<VaultEventMap['store:error']> = [];
    vault.on('store:error', (event) => events.push(event));
    /** What Redis itself holds (raw, not this store's local copy). */
    const inRedis = async () => {
      const raw = (await redis.command('GET', `{${prefix}:api}:token`)) as string | null;
      return raw === null ? undefined : (JSON.parse(raw) as { a: string; r?: string });
    };
    return { vault, events, inRedis };
  }

  it.each([
    ['fail-closed', 'after the token response'],
    ['local-fallback', 'after the token response'],
    ['local-fallback', 'before the refresh (local lock)'],
  ] as const)(
    '%s, Redis frozen %s: the waiters get the token, store:error fires, Redis holds it once it answers again',
    async (policy, when) => {
      const early = when.startsWith('before');
      const { vault, events, inRedis } = setup(policy, async () => {
        if (!early) server.pause();
        return { accessToken: 'behind-access', refreshToken: 'behind-rotated', expiresIn: 600 };
      });
      if (early) server.pause();
      const tokens = await Promise.all([vault.getToken(), vault.getToken(), vault.refresh()]);
      for (const token of tokens) expect(token).toMatchObject({ refreshToken: 'behind-rotated' });
      expect(vault.peek()?.refreshToken).toBe('behind-rotated');
      expect(events.length).toBeGreaterThanOrEqual(1);
      expect(events[0]).toMatchObject({ name: 'api', operation: 'set' });
      expect(events[0]?.error).toBeInstanceOf(TokenRefreshError);
      expect(events[0]?.error).toMatchObject({ code: STORE_UNAVAILABLE });
      const rendered = `${String(events[0]?.error)} ${JSON.stringify(events[0]?.error)}`;
      expect(rendered).not.toContain('behind-access');
      expect(rendered).not.toContain('behind-rotated');

      server.resume();
      await vi.waitFor(
        async () => expect(await inRedis()).toMatchObject({ a: 'behind-access', r: 'behind-rotated' }),
        { timeout: 10_000, interval: 50 },
      );
    },
    20_000,
  );
});
