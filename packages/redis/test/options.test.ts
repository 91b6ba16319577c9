/**
 * Bad input gets a TypeError naming the option; the store never closes the user's client;
 * close() ends the store's own pub/sub connection and rejects waiters and later calls.
 */
import { TokVaultError } from '@tokvault/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedisStore, type RedisClientLike } from '../src/index.js';
import { connect, type TestClient, uniquePrefix } from './helpers.js';
import { type PrivateRedis, startPrivateRedis } from './privateRedis.js';

describe('options', () => {
  const client = {
    isReady: true,
    sendCommand: async () => null,
    duplicate: () => null,
    on() {},
    removeListener() {},
  };
  const cases: Array<[string, Record<string, unknown>]> = [
    ['prefix', { prefix: '' }],
    ['prefix', { prefix: 'a{b}' }],
    ['policy', { policy: 'retry' }],
    ['lockTtlMs', { lockTtlMs: 0 }],
    ['lockTtlMs', { lockTtlMs: Number.NaN }],
    ['pollIntervalMs', { pollIntervalMs: -1 }],
    ['commandTimeoutMs', { commandTimeoutMs: '1s' }],
    ['pubSub', { pubSub: 'yes' }],
  ];
  it.each(cases)('rejects a bad "%s"', (name, options) => {
    expect(() => createRedisStore(client, options)).toThrow(TypeError);
    expect(() => createRedisStore(client, options)).toThrow(`"${name}"`);
  });

  it('rejects a misspelt option, naming it and the known ones', () => {
    const options = { lockTTLMs: 5_000 } as Parameters<typeof createRedisStore>[1];
    expect(() => createRedisStore(client, options)).toThrow(
      new TypeError(
        'createRedisStore: unknown option "lockTTLMs" (known: prefix, policy, lockTtlMs, pollIntervalMs, commandTimeoutMs, pubSub, encryptionKey)',
      ),
    );
  });

  it('rejects something that is not a node-redis or ioredis client', () => {
    for (const bad of [null, {}, { get: () => null }, 'redis://localhost']) {
      expect(() => createRedisStore(bad as unknown as RedisClientLike)).toThrow(/"client"/);
    }
  });

  it('accepts every supported client kind, connected or not, and names them when rejecting others', async () => {
    const { Cluster, Redis } = await import('ioredis');
    const { createClient, createCluster, createSentinel } = await import('redis');
    const v5 = await import('redis5');
    const sentinelOptions = { name: 'mymaster', sentinelRootNodes: [{ host: '127.0.0.1', port: 1 }] };
    const clients: unknown[] = [
      createClient(),
      createCluster({ rootNodes: [] }),
      createSentinel(sentinelOptions),
      v5.createCluster({ rootNodes: [] }),
      v5.createSentinel(sentinelOptions), // has no duplicate(): pub/sub goes through its own proxy
      new Redis({ lazyConnect: true }),
      new Redis({ lazyConnect: true, sentinels: [{ host: '127.0.0.1', port: 1 }], name: 'mymaster' }),
      new Cluster([], { lazyConnect: true }),
    ];
    for (const supported of clients) {
      expect(() => createRedisStore(supported as RedisClientLike)).not.toThrow();
    }
    // A node-redis-like object that is neither a client, a cluster nor a sentinel.
    const unknown = { sendCommand: async () => null, duplicate: () => null, on() {} };
    expect(() => createRedisStore(unknown as unknown as RedisClientLike)).toThrow(
      /createClient\(\), createCluster\(\) or createSentinel\(\).*new Cluster\(\)/,
    );
  });

  it('rejects a key that is not a non-empty string', async () => {
    const store = createRedisStore(client);
    await expect(store.get('')).rejects.toThrow(TypeError);
    await store.close();
  });
});

describe.each(['node-redis 6', 'ioredis 6'] as const)('close() (%s)', (kind) => {
  let server: PrivateRedis;
  let redis: TestClient;
  const connections = async () =>
    String(await redis.command('CLIENT', 'LIST'))
      .trim()
      .split('\n').length;

  beforeAll(async () => {
    server = await startPrivateRedis();
    redis = await connect(kind, server.port);
  });
  afterAll(async () => {
    await redis.close();
    await server.kill();
  });

  it("closes the store's pub/sub connection, never the user's client; rejects waiters and later calls", async () => {
    const before = await connections();
    const prefix = uniquePrefix('close');
    const store = createRedisStore(redis.client, { prefix });
    const other = createRedisStore(redis.client, { prefix, pubSub: false });
    let release!: () => void;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    let entered!: () => void;
    const inside = new Promise<void>((resolve) => {
      entered = resolve;
    });
    const holder = other.withLock('k', async () => {
      entered();
      await held;
    });
    await inside;
    const unsubscribe = store.subscribe?.('k', () => {});
    const waiter = store.withLock('k', async () => 'never');
    await expect.poll(connections, { timeout: 3_000 }).toBe(before + 1);

    await store.close();
    await expect(waiter).rejects.toBeInstanceOf(TokVaultError);
    await expect(store.get('k')).rejects.toBeInstanceOf(TokVaultError);
    await expect(store.withLock('k', async () => 1)).rejects.toBeInstanceOf(TokVaultError);
    await expect(store.delete('k')).rejects.toBeInstanceOf(TokVaultError);
    unsubscribe?.();
    await expect.poll(connections, { timeout: 3_000 }).toBe(before);
    expect(await redis.command('PING')).toBe('PONG');

    release();
    await holder;
    await other.close();
    await store.close(); // idempotent
  });
});
