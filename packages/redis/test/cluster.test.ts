/**
 * A real 3-master Redis Cluster (started once for this file): the store contract on node-redis
 * `createCluster()` and ioredis `Cluster` (v5 and v6 of each), one token call per expiry across
 * vaults on many connections, logout across the cluster, and a slot migration (`MOVED`) while
 * a refresh holds the lock.
 */
import { createTokenVault, type TokenVault } from '@tokvault/core';
import { describeTokenStoreContract } from '@tokvault/testkit';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createRedisStore, type RedisTokenStore } from '../src/index.js';
import { CLIENT_KINDS, type ClientKind, type TestClient, uniquePrefix } from './helpers.js';
import { cli, startCluster, type TestCluster } from './topology.js';
import { connectCluster, countingSource } from './topologyClients.js';

let cluster: TestCluster;
const opened: TestClient[] = [];
const stores: RedisTokenStore[] = [];
const vaults: TokenVault[] = [];

beforeAll(async () => {
  cluster = await startCluster();
}, 30_000);

afterAll(async () => {
  await Promise.all(vaults.map((v) => v.close()));
  await Promise.all(stores.map((s) => s.close()));
  await Promise.all(opened.splice(0).map((c) => c.close()));
  await cluster?.stop();
});

async function connect(kind: ClientKind): Promise<TestClient> {
  const client = await connectCluster(kind, cluster);
  opened.push(client);
  return client;
}

function store(client: TestClient, prefix: string, options = {}): RedisTokenStore {
  const s = createRedisStore(client.client, { prefix, pollIntervalMs: 50, ...options });
  stores.push(s);
  return s;
}

for (const kind of CLIENT_KINDS) {
  let pair: Promise<TestClient[]> | undefined;
  describeTokenStoreContract(`redis cluster (${kind})`, async () => {
    pair ??= Promise.all([connect(kind), connect(kind)]);
    const [a, b] = (await pair) as [TestClient, TestClient];
    const options = { prefix: uniquePrefix('cluster'), pollIntervalMs: 20 };
    const mine: RedisTokenStore[] = [createRedisStore(a.client, options)];
    return {
      store: mine[0] as RedisTokenStore,
      peer: async () => {
        const peer = createRedisStore(b.client, options);
        mine.push(peer);
        return peer;
      },
      cleanup: async () => {
        await Promise.all(mine.map((s) => s.close()));
      },
    };
  });
}

describe('redis cluster: a fleet on every client kind', () => {
  const LIFETIME_MS = 2_000;
  const names = ['orders', 'billing', 'search'];
  let fleet: Array<{ name: string; vault: TokenVault }> = [];
  const sources = Object.fromEntries(names.map((name) => [name, countingSource(LIFETIME_MS)]));

  beforeAll(async () => {
    const prefix = uniquePrefix('cluster-fleet');
    // Two connections of each kind: 8 "processes", each with a vault per name.
    const clients = await Promise.all([...CLIENT_KINDS, ...CLIENT_KINDS].map((kind) => connect(kind)));
    fleet = clients.flatMap((client) => {
      const shared = store(client, prefix);
      return names.map((name) => {
        const source = sources[name] as ReturnType<typeof countingSource>;
        const vault = createTokenVault({ name, store: shared, fetchToken: source.fetchToken, retry: false });
        vaults.push(vault);
        return { name, vault };
      });
    });
  }, 20_000);

  const round = async (call: (vault: TokenVault) => Promise<unknown>) => {
    const before = names.map((name) => sources[name]?.calls ?? 0);
    const results = await Promise.allSettled(fleet.flatMap(({ vault }) => [call(vault), call(vault)]));
    expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
    for (const { name, vault } of fleet) {
      expect(vault.peek()?.accessToken).toBe(fleet.find((f) => f.name === name)?.vault.peek()?.accessToken);
    }
    return names.map((name, i) => (sources[name]?.calls ?? 0) - (before[i] ?? 0));
  };

  it('one token call per name per expiry across 8 connections (cold start, real expiry, a 401 storm)', async () => {
    // The names land on more than one master, so the test crosses shards.
    const owners = await Promise.all(names.map((name) => cluster.owner(`{${name}}`)));
    expect(new Set(owners.map((o) => o.port)).size).toBeGreaterThan(1);

    expect(await round((vault) => vault.getToken())).toEqual([1, 1, 1]);
    await new Promise((resolve) => setTimeout(resolve, LIFETIME_MS + 100));
    expect(await round((vault) => vault.getToken())).toEqual([1, 1, 1]);
    const stale = new Map(fleet.map(({ vault }) => [vault, vault.peek()]));
    expect(await round((vault) => vault.refresh({ staleToken: stale.get(vault) }))).toEqual([1, 1, 1]);
  });

  it('logout in one process clears the token in every process (node-redis and ioredis)', async () => {
    await round((vault) => vault.getToken());
    const [first, ...others] = fleet.filter((f) => f.name === 'orders');
    await first?.vault.invalidate();
    await vi.waitFor(() => expect(others.map((o) => o.vault.peek())).toEqual(others.map(() => undefined)), {
      timeout: 5_000,
      interval: 10,
    });
  });
});

describe('redis cluster: slot migration during a refresh', () => {
  for (const kind of ['node-redis 6', 'ioredis 6'] as const) {
    it(`${kind}: the lock holder's watchdog and write follow MOVED; one token call, every caller served`, async () => {
      const prefix = uniquePrefix('cluster-moved');
      const [holder, peer] = await Promise.all([
        connect(kind),
        connect(kind === 'ioredis 6' ? 'node-redis 6' : 'ioredis 6'),
      ]);
      const source = countingSource();
      const lockTtlMs = 600; // the watchdog extends every 200 ms: it meets the migration
      const make = (client: TestClient) => {
        const vault = createTokenVault({
          name: 'moved',
          store: store(client, prefix, { lockTtlMs }),
          fetchToken: source.fetchToken,
          retry: false,
        });
        vaults.push(vault);
        return vault;
      };
      const [a, b] = [make(holder), make(peer)];
      const tag = `{${prefix}:moved}`;
      const { port: from, slot } = await cluster.owner(tag);
      const to = cluster.ports.find((p) => p !== from) as number;
      const [fromId, toId] = await Promise.all([cluster.nodeId(from), cluster.nodeId(to)]);

      const held = source.hold();
      const callers = Promise.allSettled(Array.from({ length: 10 }, () => a.getToken()));
      await held.entered;
      // Move the slot, with the lock key in it, to another master.
      await cli(to, 'CLUSTER', 'SETSLOT', String(slot), 'IMPORTING', fromId);
      await cli(from, 'CLUSTER', 'SETSLOT', String(slot), 'MIGRATING', toId);
      const keys = (await cli(from, 'CLUSTER', 'GETKEYSINSLOT', String(slot), '10'))
        .split('\n')
        .filter(Boolean);
      expect(keys).toContain(`${tag}:lock`);
      await cli(from, 'MIGRATE', '127.0.0.1', String(to), '', '0', '5000', 'KEYS', ...keys);
      for (const port of [to, from, ...cluster.ports.filter((p) => p !== to && p !== from)]) {
        await cli(port, 'CLUSTER', 'SETSLOT', String(slot), 'NODE', toId);
      }
      // Let the watchdog run against the moved slot (it answers MOVED on the old master).
      await new Promise((resolve) => setTimeout(resolve, lockTtlMs));
      held.release();

      const results = await callers;
      expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
      expect((await b.getToken()).accessToken).toBe(a.peek()?.accessToken);
      expect(source.calls).toBe(1);
      expect(await cli(to, 'EXISTS', `${tag}:token`)).toBe('1');
      expect(await cli(from, 'EXISTS', `${tag}:token`)).toMatch(/MOVED/);
    });
  }
});
