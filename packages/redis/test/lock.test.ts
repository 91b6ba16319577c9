/**
 * The lock protocol and key layout, checked against raw Redis: hash-tagged keys, TTL = expiry,
 * PTTL-based reads, owner-checked writes, compare-and-delete release, the watchdog noticing a
 * lost lock, a crashed holder's lock expiring, pub/sub waking waiters.
 */
import { createTokenVault, type StoredToken, TokVaultError } from '@tokvault/core';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createRedisStore, type RedisStoreOptions, type RedisTokenStore } from '../src/index.js';
import { connect, deleteKeys, type TestClient, uniquePrefix } from './helpers.js';

const token = (overrides: Partial<StoredToken> = {}): StoredToken => ({
  accessToken: `lock-access-${Math.random().toString(36).slice(2)}`,
  tokenType: 'Bearer',
  expiresAt: Date.now() + 60_000,
  ...overrides,
});

describe.each(['node-redis 6', 'ioredis 6'] as const)('lock protocol (%s)', (kind) => {
  let redis: TestClient;
  let prefix: string;
  const stores: RedisTokenStore[] = [];
  const storeWith = (options: RedisStoreOptions = {}) => {
    const store = createRedisStore(redis.client, { prefix, ...options });
    stores.push(store);
    return store;
  };
  const key = (name: string, part: 'token' | 'lock') => `{${prefix}:${name}}:${part}`;

  beforeAll(async () => {
    redis = await connect(kind);
    prefix = uniquePrefix('lock');
  });
  afterEach(async () => {
    await Promise.all(stores.splice(0).map((s) => s.close()));
  });
  afterAll(async () => {
    await deleteKeys(redis, prefix);
    await redis.close();
  });

  it('stores the token under {prefix:name}:token with a TTL matching its expiry, and the lock beside it', async () => {
    const store = storeWith({ lockTtlMs: 5_000 });
    await store.withLock('keys', async (lock) => {
      expect(Number(await redis.command('PTTL', key('keys', 'lock')))).toBeGreaterThan(0);
      expect(Number(await redis.command('PTTL', key('keys', 'lock')))).toBeLessThanOrEqual(5_000);
      await lock.set(token({ expiresAt: Date.now() + 60_000 }));
    });
    const pttl = Number(await redis.command('PTTL', key('keys', 'token')));
    expect(pttl).toBeGreaterThan(55_000);
    expect(pttl).toBeLessThanOrEqual(60_000);
    expect(await redis.command('EXISTS', key('keys', 'lock'))).toBe(0);

    await store.withLock('forever', (lock) => lock.set(token({ expiresAt: undefined })));
    expect(Number(await redis.command('PTTL', key('forever', 'token')))).toBe(-1);
  });

  it('get derives expiresAt from Redis PTTL, not from the writer clock', async () => {
    const store = storeWith();
    await store.withLock('pttl', (lock) => lock.set(token({ expiresAt: Date.now() + 600_000 })));
    await redis.command('PEXPIRE', key('pttl', 'token'), '20000');
    const read = await store.get('pttl');
    expect(read?.expiresAt).toBeGreaterThan(Date.now() + 15_000);
    expect(read?.expiresAt).toBeLessThanOrEqual(Date.now() + 20_000);
  });

  it('a holder whose lock was taken over cannot write, sees lock.signal abort, and does not delete the new lock', async () => {
    // 600 ms: the watchdog checks every 200 ms, and a busy machine (parallel test workers) that
    // stalls a holder for ~100 ms does not lose the first, legitimate lock.
    const store = storeWith({ lockTtlMs: 600 });
    await store.withLock('stolen', (lock) => lock.set(token({ accessToken: 'lock-newer' })));
    await store.withLock('stolen', async (lock) => {
      await redis.command('SET', key('stolen', 'lock'), 'someone-else', 'PX', '10000');
      await expect(lock.set(token({ accessToken: 'lock-stale' }))).rejects.toBeInstanceOf(TokVaultError);
      await vi.waitFor(() => expect(lock.signal.aborted).toBe(true), { timeout: 3_000, interval: 10 });
      expect(lock.signal.reason).toBeInstanceOf(TokVaultError);
    });
    expect(await redis.command('GET', key('stolen', 'lock'))).toBe('someone-else');
    expect((await store.get('stolen'))?.accessToken).toBe('lock-newer');
    await redis.command('DEL', key('stolen', 'lock'));
  });

  it("a crashed holder's lock (never released) delays the next holder only until its TTL runs out", async () => {
    const store = storeWith({ pollIntervalMs: 20 });
    await redis.command('SET', key('crashed', 'lock'), 'crashed-process', 'PX', '300');
    const task = vi.fn(async () => 'ran');
    await expect(store.withLock('crashed', task, { signal: AbortSignal.timeout(5_000) })).resolves.toBe(
      'ran',
    );
    expect(task).toHaveBeenCalledTimes(1);
  });

  it('vaults on the same store hear its writes and deletes at once; its own pub/sub echo is ignored', async () => {
    const store = storeWith();
    let n = 0;
    const fetchToken = async () => ({ accessToken: `lock-same-${++n}`, expiresIn: 600 });
    const [a, b] = [
      createTokenVault({ name: 'same', store, fetchToken }),
      createTokenVault({ name: 'same', store, fetchToken }),
    ];
    const cleared = vi.fn();
    b.on('token:cleared', cleared);
    await a.getToken();
    expect(b.peek()?.accessToken).toBe('lock-same-1');
    await a.invalidate();
    expect(b.peek()).toBeUndefined();
    expect((await b.getToken()).accessToken).toBe('lock-same-2');
    expect(a.peek()?.accessToken).toBe('lock-same-2');
    // A peer store's write, published after the delete: once it arrives, so has any echo of the delete.
    await storeWith().withLock('same', (lock) => lock.set(token({ accessToken: 'lock-same-peer' })));
    await expect
      .poll(() => [a.peek()?.accessToken, b.peek()?.accessToken])
      .toEqual(['lock-same-peer', 'lock-same-peer']);
    expect(cleared).toHaveBeenCalledTimes(1);
    await Promise.all([a.close(), b.close()]);
  });

  it('waiters wake on pub/sub when the lock is released (the poll backstop is 60 s here)', async () => {
    const [holderStore, waiterStore] = [storeWith(), storeWith({ pollIntervalMs: 60_000 })];
    let release!: () => void;
    const entered = new Promise<void>((resolve) => {
      void holderStore.withLock('wake', async () => {
        resolve();
        await new Promise<void>((r) => {
          release = r;
        });
      });
    });
    await entered;
    const waiter = waiterStore.withLock('wake', async () => 'woken', { signal: AbortSignal.timeout(5_000) });
    // The waiter has tried once and subscribed to the lock's channel.
    await expect
      .poll(async () => (await redis.command('PUBSUB', 'NUMSUB', `{${prefix}:wake}:events`)) as unknown[])
      .toEqual([`{${prefix}:wake}:events`, 1]);
    release();
    await expect(waiter).resolves.toBe('woken');
  });

  /** Hold the lock of `name` on `store` until `release()`; resolves once held. */
  const hold = async (store: RedisTokenStore, name: string) => {
    let release!: () => void;
    let lock!: Parameters<Parameters<RedisTokenStore['withLock']>[1]>[0];
    const released = new Promise<void>((r) => {
      release = r;
    });
    let done!: Promise<unknown>;
    await new Promise<void>((entered) => {
      done = store.withLock(name, async (held) => {
        lock = held;
        entered();
        await released;
      });
    });
    return {
      lock,
      release: () => {
        release();
        return done;
      },
    };
  };

  it.each([
    ['the write notification', {}],
    ['a poll (no pub/sub)', { pubSub: false, pollIntervalMs: 20 }],
  ] as const)(
    'a waiter with a shortcut takes the holder’s new token on %s, while the lock is still held, without running its task',
    async (_, waiterOptions) => {
      const [holderStore, waiterStore] = [
        storeWith(),
        storeWith({ pollIntervalMs: 60_000, ...waiterOptions }),
      ];
      await holderStore.withLock('shortcut', (lock) => lock.set(token({ accessToken: 'lock-old' })));
      const holder = await hold(holderStore, 'shortcut');
      const task = vi.fn(async () => 'ran');
      const shortcut = vi.fn(async () => {
        const shared = await waiterStore.get('shortcut');
        return shared?.accessToken === 'lock-old' ? undefined : shared?.accessToken;
      });
      const waiter = waiterStore.withLock('shortcut', task, { shortcut, signal: AbortSignal.timeout(5_000) });
      await vi.waitFor(() => expect(shortcut).toHaveBeenCalled()); // it waits (subscribed or polling)
      await holder.lock.set(token({ accessToken: 'lock-new' }));
      await expect(waiter).resolves.toBe('lock-new');
      expect(task).not.toHaveBeenCalled();
      expect(await redis.command('EXISTS', key('shortcut', 'lock'))).toBe(1); // still the holder's
      await holder.release();
    },
  );

  it('a caller that read the token just before another holder wrote and released takes the new token, not the lock', async () => {
    const [writer, reader] = [storeWith(), storeWith()];
    await writer.withLock('raced', (lock) => lock.set(token({ accessToken: 'lock-read' })));
    expect((await reader.get('raced'))?.accessToken).toBe('lock-read');
    // The whole refresh of another process happens between the read and the lock attempt.
    await writer.withLock('raced', (lock) => lock.set(token({ accessToken: 'lock-written' })));
    const task = vi.fn(async () => 'ran');
    const shortcut = async () => {
      const shared = await reader.get('raced');
      return shared?.accessToken === 'lock-read' ? undefined : shared?.accessToken;
    };
    await expect(reader.withLock('raced', task, { shortcut })).resolves.toBe('lock-written');
    expect(task).not.toHaveBeenCalled();
    // Without a shortcut (or once the caller has read the current token) the lock is taken.
    await expect(reader.withLock('raced', task, { shortcut })).resolves.toBe('ran');
    await expect(writer.withLock('raced', task)).resolves.toBe('ran');
    expect(task).toHaveBeenCalledTimes(2);
  });

  it('a waiter whose shortcut finds nothing (the holder wrote no token) takes the lock and runs its task', async () => {
    const [holderStore, waiterStore] = [storeWith(), storeWith({ pollIntervalMs: 60_000 })];
    const holder = await hold(holderStore, 'no-shortcut');
    const shortcut = vi.fn(async () => {
      throw new Error('a failing shortcut counts as none');
    });
    const waiter = waiterStore.withLock('no-shortcut', async () => 'ran', {
      shortcut,
      signal: AbortSignal.timeout(5_000),
    });
    await vi.waitFor(() => expect(shortcut).toHaveBeenCalled());
    await holder.release();
    await expect(waiter).resolves.toBe('ran');
  });
});
