/**
 * Encryption at rest: AES-256-GCM with a user key; Redis never sees token text.
 */
import { createTokenVault, type StoredToken } from '@tokvault/core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createRedisStore, type RedisStoreOptions, type RedisTokenStore } from '../src/index.js';
import { connect, deleteKeys, type TestClient, uniquePrefix } from './helpers.js';

const keyBytes = (fill: number) => new Uint8Array(32).fill(fill);

describe('encryption at rest', () => {
  let redis: TestClient;
  let prefix: string;
  const stores: RedisTokenStore[] = [];
  const storeWith = (options: RedisStoreOptions) => {
    const store = createRedisStore(redis.client, { prefix, ...options });
    stores.push(store);
    return store;
  };
  const raw = async (name: string) => String(await redis.command('GET', `{${prefix}:${name}}:token`));

  beforeAll(async () => {
    redis = await connect('ioredis 6');
    prefix = uniquePrefix('enc');
  });
  afterEach(async () => {
    await Promise.all(stores.splice(0).map((s) => s.close()));
  });
  afterAll(async () => {
    await deleteKeys(redis, prefix);
    await redis.close();
  });

  it('what Redis stores contains no token text, and the store reads it back', async () => {
    const store = storeWith({ encryptionKey: keyBytes(7) });
    const vault = createTokenVault({
      name: 'sealed',
      store,
      fetchToken: async () => ({
        accessToken: 'enc-ACCESS-secret',
        refreshToken: 'enc-REFRESH-secret',
        expiresIn: 600,
      }),
    });
    await vault.getToken();
    await vault.close();
    const value = await raw('sealed');
    expect(value.startsWith('tv1.')).toBe(true);
    for (const secret of ['enc-ACCESS-secret', 'enc-REFRESH-secret', 'ACCESS', 'REFRESH', 'Bearer']) {
      expect(value).not.toContain(secret);
      expect(Buffer.from(value.slice(4), 'base64').toString('latin1')).not.toContain(secret);
    }
    expect(await store.get('sealed')).toMatchObject({
      accessToken: 'enc-ACCESS-secret',
      refreshToken: 'enc-REFRESH-secret',
    });
  });

  it('without a key the value is plain JSON (the test above fails without encryption)', async () => {
    const store = storeWith({});
    await store.withLock('plain', (lock) => lock.set({ accessToken: 'enc-plain', tokenType: 'Bearer' }));
    expect(await raw('plain')).toContain('enc-plain');
  });

  it('a value sealed with another key, moved to another key name, or unsealed counts as missing', async () => {
    const token: StoredToken = {
      accessToken: 'enc-moved',
      tokenType: 'Bearer',
      expiresAt: Date.now() + 60_000,
    };
    const sealed = storeWith({ encryptionKey: keyBytes(1) });
    await sealed.withLock('a', (lock) => lock.set(token));
    expect(await storeWith({ encryptionKey: keyBytes(2) }).get('a')).toBeUndefined();
    expect(await storeWith({}).get('a')).toBeUndefined();
    await redis.command('SET', `{${prefix}:b}:token`, await raw('a'));
    expect(await sealed.get('b')).toBeUndefined();
    await storeWith({}).withLock('c', (lock) => lock.set(token));
    expect(await sealed.get('c')).toBeUndefined();
    expect((await sealed.get('a'))?.accessToken).toBe('enc-moved');
  });

  it('accepts an AES-GCM 256 CryptoKey and an ArrayBuffer; rejects anything else with a TypeError', async () => {
    const cryptoKey = await crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, [
      'encrypt',
      'decrypt',
    ]);
    const store = storeWith({ encryptionKey: cryptoKey });
    await store.withLock('ck', (lock) => lock.set({ accessToken: 'enc-ck', tokenType: 'Bearer' }));
    expect((await store.get('ck'))?.accessToken).toBe('enc-ck');
    expect(() => storeWith({ encryptionKey: keyBytes(3).buffer })).not.toThrow();

    const aes128 = await crypto.subtle.generateKey({ name: 'AES-GCM', length: 128 }, false, [
      'encrypt',
      'decrypt',
    ]);
    const encryptOnly = await crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, ['encrypt']);
    const hmac = await crypto.subtle.generateKey({ name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
    for (const bad of [new Uint8Array(16), 'a'.repeat(32), aes128, encryptOnly, hmac, 42]) {
      expect(() => createRedisStore(redis.client, { encryptionKey: bad as never })).toThrow(TypeError);
      expect(() => createRedisStore(redis.client, { encryptionKey: bad as never })).toThrow(
        /"encryptionKey"/,
      );
    }
  });
});
