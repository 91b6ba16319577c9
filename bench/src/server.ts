/**
 * The loopback servers every contender runs against: `@tokvault/msw`'s mock authorization
 * server over real HTTP (`listen()`), serving the token endpoint and two protected routes:
 * - `GET /api/fast` answers at once;
 * - `GET /api/slow` waits a random 0..`jitterMs` BEFORE checking the token, so a rotation
 *   during that wait turns in-flight requests into a stale-401 storm spread over time.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { createMockAuthServer, type MockAuthHttpServer, type MockAuthServer } from '@tokvault/msw';
import { HttpResponse, http } from 'msw';
import type { ContenderEnv } from './contender.js';

/** A running bench server. */
export interface BenchServer {
  readonly auth: MockAuthServer;
  readonly http: MockAuthHttpServer;
  /** Where contender `clientId` sends requests and gets tokens. */
  env(clientId: string): ContenderEnv;
  /** Maximum random wait of `/api/slow` before its token check. */
  jitterMs: number;
  close(): Promise<void>;
}

/** Options of {@link startBenchServer}. */
export interface BenchServerOptions {
  /** One registered client per contender, so contenders never supersede each other's tokens. */
  clientIds: readonly string[];
  /** Issuing a token invalidates the client's earlier tokens (single-session APIs). */
  singleActiveToken: boolean;
  /** Lifetime of issued tokens. @default 1 hour */
  accessTokenTtlMs?: number;
}

const SECRET = 'bench-secret';

/** Start the mock server and the protected API on a free loopback port. */
export async function startBenchServer(options: BenchServerOptions): Promise<BenchServer> {
  const auth = createMockAuthServer({
    tokenUrl: '/oauth/token',
    clients: options.clientIds.map((clientId) => ({ clientId, clientSecret: SECRET })),
    singleActiveToken: options.singleActiveToken,
    accessTokenTtlMs: options.accessTokenTtlMs ?? 3_600_000,
  });
  const ok = () => HttpResponse.json({ ok: true });
  const fast = auth.protect(ok);
  const slow = auth.protect(ok);
  const state = { jitterMs: 0 };
  const server = await auth.listen({
    handlers: [
      http.get('/api/fast', fast),
      http.get('/api/slow', async (info) => {
        await sleep(Math.random() * state.jitterMs);
        return slow(info);
      }),
    ],
  });
  return {
    auth,
    http: server,
    env: (clientId) => ({
      apiUrl: `${server.url}/api`,
      tokenUrl: server.tokenUrl,
      clientId,
      clientSecret: SECRET,
    }),
    get jitterMs() {
      return state.jitterMs;
    },
    set jitterMs(ms: number) {
      state.jitterMs = ms;
    },
    close: () => server.close(),
  };
}
