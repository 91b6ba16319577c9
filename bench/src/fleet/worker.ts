/**
 * One process of scenario 8's fleet: a Redis client of one library, one Redis store, and two
 * vaults with the same client credentials, one sharing its token through the store and one
 * without a store. Each `round` message fires N concurrent `getToken()` on one of them and
 * replies with each caller's wait and how often the store took the lock.
 */
import { createTokenVault, type TokenStore } from '@tokvault/core';
import { clientCredentials } from '@tokvault/core/oauth2';
import { createRedisStore, type RedisClientLike } from '@tokvault/redis';
import type { FleetCommand, FleetReply, FleetWorkerConfig } from './protocol.js';

const config = JSON.parse(process.env.TOKVAULT_BENCH_FLEET ?? '{}') as FleetWorkerConfig;
const send = (reply: FleetReply) => process.send?.(reply);

async function connect(): Promise<{ client: RedisClientLike; close(): void }> {
  if (config.client === 'ioredis') {
    const { Redis } = await import('ioredis');
    const client = new Redis(6379, '127.0.0.1');
    await new Promise((resolve) => client.once('ready', resolve));
    return { client, close: () => client.disconnect() };
  }
  const { createClient } = await import('redis');
  const client = await createClient({ url: 'redis://127.0.0.1:6379' }).connect();
  return { client, close: () => client.destroy() };
}

const redis = await connect();
const store = createRedisStore(redis.client, { prefix: config.prefix });
let locks = 0;
const counted: TokenStore = {
  ...store,
  withLock: (key, task, options) =>
    store.withLock(
      key,
      (lock) => {
        locks += 1;
        return task(lock);
      },
      options,
    ),
};
const credentials = { clientId: config.clientId, clientSecret: config.clientSecret };
const vaults = {
  shared: createTokenVault({
    name: 'shared',
    store: counted,
    fetchToken: clientCredentials({ tokenUrl: config.sharedTokenUrl, ...credentials }),
  }),
  solo: createTokenVault({
    name: 'solo',
    fetchToken: clientCredentials({ tokenUrl: config.soloTokenUrl, ...credentials }),
  }),
};

process.on('message', async (command: FleetCommand) => {
  if (command.type === 'close') {
    await Promise.all(Object.values(vaults).map((vault) => vault.close()));
    await store.close();
    redis.close();
    process.exit(0);
  }
  const vault = vaults[command.vault];
  const lockedBefore = locks;
  const waits: number[] = [];
  let failed = 0;
  await Promise.all(
    Array.from({ length: command.callers }, async () => {
      const start = performance.now();
      await vault.getToken().catch(() => {
        failed += 1;
      });
      waits.push(performance.now() - start);
    }),
  );
  send({ type: 'round', id: command.id, waits, failed, locks: locks - lockedBefore });
});
send({ type: 'ready' });
