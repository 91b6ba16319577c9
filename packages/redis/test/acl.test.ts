/**
 * The ACL line the README documents is enough: the store contract runs with every client kind
 * logged in as a user that may run only the store's commands on its own keys and channels.
 */
import { describeTokenStoreContract } from '@tokvault/testkit';
import { Redis as IoRedis6 } from 'ioredis';
import { Redis as IoRedis5 } from 'ioredis5';
import { createClient as createClient6 } from 'redis';
import { createClient as createClient5 } from 'redis5';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedisStore, type RedisClientLike, type RedisTokenStore } from '../src/index.js';
import { CLIENT_KINDS, type ClientKind, uniquePrefix } from './helpers.js';
import { type PrivateRedis, startPrivateRedis } from './privateRedis.js';
import { cli } from './topology.js';

/** The README's line, for keys and channels under `{tokvault-acl…`. */
const COMMANDS = '-@all +get +set +del +pttl +pexpire +publish +eval +evalsha +subscribe +unsubscribe';
const HANDSHAKE = '+ping +info +hello'; // the clients' connection handshake

let redis: PrivateRedis;
const closers: Array<() => void> = [];

beforeAll(async () => {
  redis = await startPrivateRedis();
  const acl = `resetkeys resetchannels ~{tokvault-acl* &{tokvault-acl* ${COMMANDS} ${HANDSHAKE}`;
  await cli(redis.port, 'ACL', 'SETUSER', 'tokvault', 'on', '>acl-test-password', ...acl.split(' '));
});

afterAll(async () => {
  for (const close of closers.splice(0)) close();
  await redis?.kill();
});

async function connectAs(kind: ClientKind, username: string): Promise<RedisClientLike> {
  const password = 'acl-test-password';
  if (kind.startsWith('node-redis')) {
    const options = { url: `redis://127.0.0.1:${redis.port}`, username, password };
    const client = kind === 'node-redis 6' ? createClient6(options) : createClient5(options);
    client.on('error', () => {});
    await client.connect();
    closers.push(() => client.destroy());
    return client;
  }
  const options = { port: redis.port, host: '127.0.0.1', username, password };
  const client = kind === 'ioredis 6' ? new IoRedis6(options) : new IoRedis5(options);
  client.on('error', () => {});
  await new Promise((resolve, reject) => client.once('ready', resolve).once('error', reject));
  closers.push(() => client.disconnect());
  return client;
}

describe('ACL user', () => {
  it('is really restricted: another prefix and other commands are refused', async () => {
    const client = await connectAs('ioredis 6', 'tokvault');
    const ioredis = client as IoRedis6;
    await expect(ioredis.call('GET', '{other:x}:token')).rejects.toThrow(/NOPERM/);
    await expect(ioredis.call('KEYS', '*')).rejects.toThrow(/NOPERM/);
  });
});

for (const kind of CLIENT_KINDS) {
  let pair: Promise<RedisClientLike[]> | undefined;
  describeTokenStoreContract(`redis ACL user (${kind})`, async () => {
    pair ??= Promise.all([connectAs(kind, 'tokvault'), connectAs(kind, 'tokvault')]);
    const [a, b] = (await pair) as [RedisClientLike, RedisClientLike];
    const options = { prefix: uniquePrefix('acl'), pollIntervalMs: 20 };
    const stores: RedisTokenStore[] = [createRedisStore(a, options)];
    return {
      store: stores[0] as RedisTokenStore,
      peer: async () => {
        const peer = createRedisStore(b, options);
        stores.push(peer);
        return peer;
      },
      cleanup: async () => {
        await Promise.all(stores.map((s) => s.close()));
      },
    };
  });
}
