/**
 * Test helpers: real clients of every supported major against the shared Redis on
 * 127.0.0.1:6379 (or a private server), one key prefix per test run, cleanup of our keys only.
 */
import { Redis as IoRedis6 } from 'ioredis';
import { Redis as IoRedis5 } from 'ioredis5';
import { createClient as createClient6 } from 'redis';
import { createClient as createClient5 } from 'redis5';
import type { RedisClientLike } from '../src/index.js';

/** The clients the store supports, by label. */
export const CLIENT_KINDS = ['node-redis 6', 'node-redis 5', 'ioredis 6', 'ioredis 5'] as const;
export type ClientKind = (typeof CLIENT_KINDS)[number];

/** A connected client plus how to close it. */
export interface TestClient {
  client: RedisClientLike;
  /** Run a raw command (for assertions and cleanup). */
  command(...args: string[]): Promise<unknown>;
  close(): Promise<void>;
}

/** Connect a client of `kind` (library defaults: offline queue on, reconnecting) to `port`. */
export async function connect(kind: ClientKind, port = 6379): Promise<TestClient> {
  const url = `redis://127.0.0.1:${port}`;
  if (kind.startsWith('node-redis')) {
    const client = kind === 'node-redis 6' ? createClient6({ url }) : createClient5({ url });
    client.on('error', () => {});
    await client.connect();
    return {
      client,
      command: (...args) => client.sendCommand(args),
      close: async () => {
        client.destroy();
      },
    };
  }
  const client = kind === 'ioredis 6' ? new IoRedis6(port, '127.0.0.1') : new IoRedis5(port, '127.0.0.1');
  client.on('error', () => {});
  await new Promise<void>((resolve, reject) => {
    client.once('ready', resolve);
    client.once('error', reject);
  });
  return {
    client,
    command: (name, ...args) => client.call(name as string, ...args),
    close: async () => {
      client.disconnect();
    },
  };
}

let prefixCounter = 0;

/** A key prefix no other test (or test run) uses. */
export function uniquePrefix(label = 'test'): string {
  prefixCounter += 1;
  return `tokvault-${label}-${process.pid}-${Date.now().toString(36)}-${prefixCounter}`;
}

/** Delete every key of `prefix` (our keys look like `{prefix:name}:token`). Never FLUSHALL. */
export async function deleteKeys(client: TestClient, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = (await client.command('SCAN', cursor, 'MATCH', `{${prefix}:*`, 'COUNT', '1000')) as [
      string,
      string[],
    ];
    cursor = String(next);
    if (keys.length > 0) await client.command('DEL', ...keys);
  } while (cursor !== '0');
}
