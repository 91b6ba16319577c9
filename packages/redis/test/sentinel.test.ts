/**
 * A real master + replica behind 3 Sentinels (started once for this file): the store contract
 * on node-redis `createSentinel()` and ioredis `new Redis({ sentinels, name })` (v5 and v6 of
 * each), one token call per expiry across vaults on many connections, and a failover
 * (the master SIGKILLed, the replica promoted) while a refresh holds the lock.
 */
import { createTokenVault, type TokenVault, TokVaultError } from '@tokvault/core';
import { describeTokenStoreContract } from '@tokvault/testkit';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createRedisStore, type RedisTokenStore } from '../src/index.js';
import { CLIENT_KINDS, type ClientKind, type TestClient, uniquePrefix } from './helpers.js';
import { startSentinel, type TestSentinel } from './topology.js';
import { connectSentinel, countingSource } from './topologyClients.js';

let sentinel: TestSentinel;
const opened: TestClient[] = [];
const stores: RedisTokenStore[] = [];
const vaults: TokenVault[] = [];

beforeAll(async () => {
  sentinel = await startSentinel();
}, 30_000);

afterAll(async () => {
  await Promise.all(vaults.map((v) => v.close()));
  await Promise.all(stores.map((s) => s.close()));
  await Promise.all(opened.splice(0).map((c) => c.close()));
  await sentinel?.stop();
});

async function connect(kind: ClientKind): Promise<TestClient> {
  const client = await connectSentinel(kind, sentinel);
  opened.push(client);
  return client;
}

for (const kind of CLIENT_KINDS) {
  let pair: Promise<TestClient[]> | undefined;
  describeTokenStoreContract(`redis sentinel (${kind})`, async () => {
    pair ??= Promise.all([connect(kind), connect(kind)]);
    const [a, b] = (await pair) as [TestClient, TestClient];
    const options = { prefix: uniquePrefix('sentinel'), pollIntervalMs: 20 };
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

/** One vault per connection (two connections of each client kind), all on one key. */
async function fleetOf(name: string, source: ReturnType<typeof countingSource>, options = {}) {
  const prefix = uniquePrefix('sentinel-fleet');
  const clients = await Promise.all([...CLIENT_KINDS, ...CLIENT_KINDS].map((kind) => connect(kind)));
  return clients.map((client) => {
    const store = createRedisStore(client.client, { prefix, pollIntervalMs: 50, ...options });
    stores.push(store);
    const vault = createTokenVault({ name, store, fetchToken: source.fetchToken, retry: false });
    vaults.push(vault);
    return vault;
  });
}

describe('redis sentinel: a fleet on every client kind', () => {
  it('one token call per expiry across 8 connections (cold start, then 401 storms)', async () => {
    const source = countingSource();
    const fleet = await fleetOf('storm', source);
    for (let round = 1; round <= 3; round++) {
      const stale = new Map(fleet.map((vault) => [vault, vault.peek()]));
      const call = (vault: TokenVault) =>
        round === 1 ? vault.getToken() : vault.refresh({ staleToken: stale.get(vault) });
      const tokens = await Promise.all(fleet.flatMap((vault) => [call(vault), call(vault), call(vault)]));
      expect(new Set(tokens.map((t) => t.accessToken)).size).toBe(1);
      expect(source.calls).toBe(round);
    }
  });
});

describe('redis sentinel: failover during a refresh', () => {
  it('the master dies while the lock is held (Sentinel promotes the replica): callers settle (typed errors only), at most one extra token call, then every process serves', async () => {
    const source = countingSource();
    const fleet = await fleetOf('failover', source, { lockTtlMs: 1_000 });
    await Promise.all(fleet.map((vault) => vault.getToken()));
    expect(source.calls).toBe(1);
    const oldMaster = await sentinel.masterPort();

    const held = source.hold();
    const stale = new Map(fleet.map((vault) => [vault, vault.peek()]));
    const round = Promise.allSettled(
      fleet.flatMap((vault) =>
        Array.from({ length: 5 }, () => vault.refresh({ staleToken: stale.get(vault) })),
      ),
    );
    await held.entered;
    expect(await sentinel.killMaster()).not.toBe(oldMaster);
    held.release();

    const results = await round;
    const rejected = results.flatMap((r) => (r.status === 'rejected' ? [r.reason] : []));
    for (const reason of rejected) expect(reason).toBeInstanceOf(TokVaultError);
    // A lock or token write the replica had not received yet is lost with the master: then one
    // more process refreshes, once (the README's caveat).
    await vi.waitFor(() => Promise.all(fleet.map((vault) => vault.getToken())), {
      timeout: 20_000,
      interval: 100,
    });
    const refreshCalls = source.calls - 1;
    expect(refreshCalls).toBeGreaterThanOrEqual(1);
    expect(refreshCalls).toBeLessThanOrEqual(2);
    // A 401 for whatever token each process holds: the fleet converges on one token, one call.
    const current = new Map(fleet.map((vault) => [vault, vault.peek()]));
    // (Retried until every client has reconnected: a process that fails has not called fetchToken.)
    const tokens = await vi.waitFor(
      () => Promise.all(fleet.map((vault) => vault.refresh({ staleToken: current.get(vault) }))),
      { timeout: 20_000, interval: 100 },
    );
    expect(new Set(tokens.map((t) => t.accessToken)).size).toBe(1);
    expect(source.calls - 1 - refreshCalls).toBe(1);
    console.log(
      `[sentinel failover] ${results.length} callers mid-refresh: ${rejected.length} rejected (typed); ${refreshCalls} token call(s) for that refresh`,
    );
  }, 40_000);
});
