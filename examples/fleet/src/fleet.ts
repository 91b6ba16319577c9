/**
 * The fleet example: N replica processes x M concurrent callers, short-lived tokens, against a
 * mock OAuth 2.0 server over HTTP, once with @tokvault/redis and once without. Prints how many
 * token requests each fleet made.
 *
 *   pnpm --filter @tokvault/example-fleet start      (needs Redis on 127.0.0.1:6379)
 */
import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createMockAuthServer } from '@tokvault/msw';

/** Options of {@link runFleet}. */
export interface FleetOptions {
  /** Replica processes per fleet. @default 6 */
  processes?: number;
  /** Concurrent getToken calls per replica and round. @default 50 */
  callers?: number;
  /** Token lifetimes each replica lives through. @default 3 */
  expiries?: number;
  /** Token lifetime in whole seconds (OAuth `expires_in`). @default 2 */
  tokenTtlSeconds?: number;
  /** @default 'redis://127.0.0.1:6379' */
  redisUrl?: string;
}

/** Token requests and caller errors of one fleet. */
export interface FleetResult {
  tokenRequests: number;
  callerErrors: number;
}

const REPLICA = fileURLToPath(new URL('./replica.ts', import.meta.url));
const CLIENT = { clientId: 'fleet-example', clientSecret: 'fleet-example-secret' };

function startReplica(env: Record<string, string>): Promise<ChildProcess> {
  const child = fork(REPLICA, {
    env: { ...process.env, ...env },
    execArgv: ['--import', 'tsx', '--conditions=@tokvault/source'],
  });
  return new Promise((resolve, reject) => {
    child.once('message', () => resolve(child));
    child.once('exit', (code) => reject(new Error(`replica exited with ${code}`)));
  });
}

async function runOne(useRedis: boolean, o: Required<FleetOptions>): Promise<FleetResult> {
  const auth = createMockAuthServer({
    tokenUrl: '/oauth/token',
    clients: [CLIENT],
    accessTokenTtlMs: o.tokenTtlSeconds * 1_000,
  });
  const server = await auth.listen();
  try {
    const env = {
      TOKEN_URL: server.tokenUrl,
      CLIENT_ID: CLIENT.clientId,
      CLIENT_SECRET: CLIENT.clientSecret,
      USE_REDIS: useRedis ? '1' : '0',
      REDIS_URL: o.redisUrl,
      KEY_PREFIX: `tokvault-example-fleet-${process.pid}-${Date.now()}`,
      CALLERS: String(o.callers),
      ROUNDS: String(o.expiries),
    };
    const replicas = await Promise.all(Array.from({ length: o.processes }, () => startReplica(env)));
    // Start every replica at once, so that they live through the same token lifetimes.
    const reports = replicas.map(
      (child) =>
        new Promise<{ errors: number }>((resolve) => child.once('message', (m) => resolve(m as never))),
    );
    for (const child of replicas) child.send('go');
    const errors = (await Promise.all(reports)).reduce((sum, r) => sum + r.errors, 0);
    return { tokenRequests: auth.stats.tokenRequests, callerErrors: errors };
  } finally {
    await server.close();
  }
}

/**
 * Run both fleets side by side and return their counts.
 *
 * @example
 * ```ts
 * const { withRedis, withoutRedis } = await runFleet({ processes: 3, callers: 10, expiries: 2 });
 * ```
 */
export async function runFleet(options: FleetOptions = {}) {
  const o: Required<FleetOptions> = {
    processes: 6,
    callers: 50,
    expiries: 3,
    tokenTtlSeconds: 2,
    redisUrl: 'redis://127.0.0.1:6379',
    ...options,
  };
  const [withRedis, withoutRedis] = await Promise.all([runOne(true, o), runOne(false, o)]);
  return { options: o, withRedis, withoutRedis };
}

/** A printable comparison table. */
export function formatFleet({
  options: o,
  withRedis,
  withoutRedis,
}: Awaited<ReturnType<typeof runFleet>>): string {
  return [
    `${o.processes} processes x ${o.callers} concurrent callers, ${o.expiries} token lifetimes of ${o.tokenTtlSeconds} s`,
    '                       token requests   caller errors',
    `  with @tokvault/redis ${String(withRedis.tokenRequests).padStart(14)}   ${withRedis.callerErrors}`,
    `  without (per process)${String(withoutRedis.tokenRequests).padStart(14)}   ${withoutRedis.callerErrors}`,
  ].join('\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  console.log(formatFleet(await runFleet()));
}
