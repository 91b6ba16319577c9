/**
 * Cluster and Sentinel clients of every supported major, connected to the topologies of
 * topology.ts. Library defaults otherwise (offline queue on, reconnecting).
 */
import { Cluster as IoCluster6, Redis as IoRedis6 } from 'ioredis';
import { Cluster as IoCluster5, Redis as IoRedis5 } from 'ioredis5';
import { createCluster as createCluster6, createSentinel as createSentinel6 } from 'redis';
import { createCluster as createCluster5, createSentinel as createSentinel5 } from 'redis5';
import { routingKey } from '../src/clientShape.js';
import type { ClientKind, TestClient } from './helpers.js';
import type { TestCluster, TestSentinel } from './topology.js';

const host = '127.0.0.1';

async function ioredisReady(client: { once(event: string, listener: (arg?: unknown) => void): unknown }) {
  await new Promise<void>((resolve, reject) => {
    client.once('ready', () => resolve());
    client.once('error', reject);
  });
}

/** A `createCluster()` (node-redis) or `new Cluster()` (ioredis) client of `kind`. */
export async function connectCluster(kind: ClientKind, cluster: TestCluster): Promise<TestClient> {
  const nodes = cluster.ports.map((port) => ({ host, port }));
  if (kind.startsWith('node-redis')) {
    const options = { rootNodes: cluster.ports.map((port) => ({ url: `redis://${host}:${port}` })) };
    const client = kind === 'node-redis 6' ? createCluster6(options) : createCluster5(options);
    client.on('error', () => {});
    await client.connect();
    return {
      client,
      command: (...args) => client.sendCommand(routingKey(args), false, args),
      close: async () => void client.destroy(),
    };
  }
  const client = kind === 'ioredis 6' ? new IoCluster6(nodes) : new IoCluster5(nodes);
  client.on('error', () => {});
  await ioredisReady(client);
  return {
    client,
    command: (name, ...args) => client.call(name as string, ...args),
    close: async () => client.disconnect(),
  };
}

/** A `createSentinel()` (node-redis) or `new Redis({ sentinels, name })` (ioredis) client of `kind`. */
export async function connectSentinel(kind: ClientKind, sentinel: TestSentinel): Promise<TestClient> {
  const sentinels = sentinel.sentinelPorts.map((port) => ({ host, port }));
  if (kind.startsWith('node-redis')) {
    const options = { name: sentinel.name, sentinelRootNodes: sentinels };
    const client = kind === 'node-redis 6' ? createSentinel6(options) : createSentinel5(options);
    client.on('error', () => {});
    await client.connect();
    return {
      client,
      command: (...args) => client.sendCommand(false, args),
      close: async () => void (client.destroy() as unknown as Promise<void> | undefined)?.catch?.(() => {}),
    };
  }
  const options = { sentinels, name: sentinel.name };
  const client = kind === 'ioredis 6' ? new IoRedis6(options) : new IoRedis5(options);
  client.on('error', () => {});
  await ioredisReady(client);
  return {
    client,
    command: (name, ...args) => client.call(name as string, ...args),
    close: async () => client.disconnect(),
  };
}

/** A token endpoint stand-in that counts calls; `hold()` makes calls wait until released. */
export function countingSource(lifetimeMs = 600_000) {
  let calls = 0;
  let gate: Promise<void> | undefined;
  let open = () => {};
  let called = () => {};
  return {
    get calls() {
      return calls;
    },
    /** Make the next calls wait; resolves `entered` when one arrives. Call `release()` to go on. */
    hold() {
      gate = new Promise<void>((resolve) => {
        open = resolve;
      });
      const entered = new Promise<void>((resolve) => {
        called = resolve;
      });
      return { entered, release: () => open() };
    },
    fetchToken: async () => {
      calls += 1;
      called();
      await gate;
      return {
        accessToken: `topology-token-${calls}-${Math.random().toString(36).slice(2)}`,
        expiresAt: Date.now() + lifetimeMs,
      };
    },
  };
}
