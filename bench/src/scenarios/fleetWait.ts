/**
 * Scenario 8, fleet wait at expiry: N processes x M concurrent `getToken()` callers on the local
 * Redis (127.0.0.1:6379, a key prefix of this run), one fleet per client library. Each process
 * has a vault that shares its token through `@tokvault/redis` and one without a store (the
 * baseline: every process fetches its own token). At each expiry every process fires its callers
 * at once on one vault, then on the other (order alternating).
 *
 * Reported per library: p50/p99 wait with and without the store, the p99 ratio (goal, issue 19:
 * <= 1.5x), token calls, and lock acquisitions per token call (goal: about 1; before the fix
 * every process took the lock in turn).
 */
import { createMockAuthServer, type MockAuthHttpServer } from '@tokvault/msw';
import { createClient } from 'redis';
import { type FleetProcess, startFleetProcess } from '../fleet/spawn.js';
import type { Progress } from '../report/progress.js';
import { type LatencySummary, summarize } from '../stats.js';

/** Sizes of scenario 8. */
export interface FleetWaitSizes {
  processes: number;
  callers: number;
  /** Measured expiries (rounds with and without the store). */
  expiries: number;
}

/** One client library's fleet. */
export interface FleetWaitRow {
  client: 'node-redis' | 'ioredis';
  processes: number;
  callers: number;
  expiries: number;
  withStore: LatencySummary;
  withoutStore: LatencySummary;
  /** p99 with the store ÷ p99 without. */
  p99Ratio: number;
  /** Token calls over the measured expiries, with the store (1 per expiry is correct). */
  tokenCalls: number;
  /** Token calls over the measured expiries without the store (1 per process per expiry). */
  soloTokenCalls: number;
  lockAcquisitions: number;
  locksPerTokenCall: number;
  failed: number;
}

// expires_in is whole seconds and the client counts one second less: a 3 s token lives 2 s.
const TOKEN_TTL_MS = 3_000;
const CLIENT = { clientId: 'bench-fleet', clientSecret: 'bench-fleet-secret' };
/** What the parent needs of its own Redis connection. */
interface RedisAdmin {
  sendCommand(args: string[]): Promise<unknown>;
}
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Run one fleet per client library; `[]` (and a log line) when no Redis answers locally. */
export async function runFleetWait(sizes: FleetWaitSizes, progress: Progress): Promise<FleetWaitRow[]> {
  const admin = createClient({ url: 'redis://127.0.0.1:6379', socket: { reconnectStrategy: false } });
  admin.on('error', () => {});
  try {
    await admin.connect();
  } catch {
    progress.log('8. fleet wait: skipped, no Redis on 127.0.0.1:6379');
    return [];
  }
  const rows: FleetWaitRow[] = [];
  try {
    for (const client of ['node-redis', 'ioredis'] as const) {
      rows.push(await runFleet(admin, client, sizes, progress));
    }
  } finally {
    admin.destroy();
  }
  return rows;
}

async function runFleet(
  admin: RedisAdmin,
  client: FleetWaitRow['client'],
  sizes: FleetWaitSizes,
  progress: Progress,
): Promise<FleetWaitRow> {
  const prefix = `tokvault-bench-fleet-${process.pid}-${Date.now().toString(36)}-${client}`;
  const options = { tokenUrl: '/oauth/token', clients: [CLIENT], accessTokenTtlMs: TOKEN_TTL_MS };
  const shared = createMockAuthServer(options);
  const solo = createMockAuthServer(options);
  const servers: MockAuthHttpServer[] = await Promise.all([shared.listen(), solo.listen()]);
  const [sharedUrl, soloUrl] = servers.map((s) => s.tokenUrl) as [string, string];
  let fleet: FleetProcess[] = [];
  try {
    progress.update(`fleet wait · ${client} · starting ${sizes.processes} processes`);
    fleet = await Promise.all(
      Array.from({ length: sizes.processes }, () =>
        startFleetProcess({ client, prefix, ...CLIENT, sharedTokenUrl: sharedUrl, soloTokenUrl: soloUrl }),
      ),
    );
    const round = (vault: 'shared' | 'solo', callers: number) =>
      Promise.all(fleet.map((worker) => worker.round(vault, callers)));
    // Warm-up: every process holds both tokens, its connections and scripts are ready.
    await round('shared', 1);
    await round('solo', 1);
    const waits = { shared: [] as number[], solo: [] as number[] };
    let failed = 0;
    let lockAcquisitions = 0;
    const before = { shared: shared.stats.tokenRequests, solo: solo.stats.tokenRequests };
    for (let expiry = 1; expiry <= sizes.expiries; expiry++) {
      progress.update(`fleet wait · ${client}`, expiry, sizes.expiries);
      await sleep(TOKEN_TTL_MS + 150); // both tokens have expired in every process
      const order = expiry % 2 === 1 ? (['shared', 'solo'] as const) : (['solo', 'shared'] as const);
      for (const vault of order) {
        for (const reply of await round(vault, sizes.callers)) {
          waits[vault].push(...reply.waits);
          failed += reply.failed;
          if (vault === 'shared') lockAcquisitions += reply.locks;
        }
      }
    }
    const tokenCalls = shared.stats.tokenRequests - before.shared;
    const withStore = summarize(waits.shared);
    const withoutStore = summarize(waits.solo);
    return {
      client,
      processes: sizes.processes,
      callers: sizes.callers,
      expiries: sizes.expiries,
      withStore,
      withoutStore,
      p99Ratio: withStore.p99 / withoutStore.p99,
      tokenCalls,
      soloTokenCalls: solo.stats.tokenRequests - before.solo,
      lockAcquisitions,
      locksPerTokenCall: lockAcquisitions / tokenCalls,
      failed,
    };
  } finally {
    await Promise.all(fleet.map((worker) => worker.close()));
    await Promise.all(servers.map((server) => server.close()));
    await deleteKeys(admin, prefix);
  }
}

/** Delete this run's keys (`{prefix:name}:token` and friends). Never FLUSHALL. */
async function deleteKeys(admin: RedisAdmin, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const args = ['SCAN', cursor, 'MATCH', `{${prefix}:*`, 'COUNT', '1000'];
    const [next, keys] = (await admin.sendCommand(args)) as [string, string[]];
    cursor = String(next);
    if (keys.length > 0) await admin.sendCommand(['DEL', ...keys]);
  } while (cursor !== '0');
}
