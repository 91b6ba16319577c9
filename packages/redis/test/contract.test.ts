import { describeTokenStoreContract } from '@tokvault/testkit';
import { afterAll } from 'vitest';
import { createRedisStore, type RedisTokenStore } from '../src/index.js';
import { CLIENT_KINDS, connect, deleteKeys, type TestClient, uniquePrefix } from './helpers.js';

const opened: TestClient[] = [];
afterAll(async () => {
  await Promise.all(opened.splice(0).map((c) => c.close()));
});

for (const kind of CLIENT_KINDS) {
  let pair: Promise<TestClient[]> | undefined;
  const twoClients = () => {
    pair ??= Promise.all([connect(kind), connect(kind)]).then((both) => {
      opened.push(...both);
      return both;
    });
    return pair;
  };

  for (const pubSub of kind === 'node-redis 6' || kind === 'ioredis 6' ? [true, false] : [true]) {
    describeTokenStoreContract(`redis (${kind}${pubSub ? '' : ', polling only'})`, async () => {
      const [a, b] = (await twoClients()) as [TestClient, TestClient];
      const prefix = uniquePrefix('contract');
      const options = { prefix, pubSub, pollIntervalMs: 20 };
      const stores: RedisTokenStore[] = [createRedisStore(a.client, options)];
      return {
        store: stores[0] as RedisTokenStore,
        peer: async () => {
          const peer = createRedisStore(b.client, options);
          stores.push(peer);
          return peer;
        },
        cleanup: async () => {
          await Promise.all(stores.map((s) => s.close()));
          await deleteKeys(a, prefix);
        },
      };
    });
  }
}
