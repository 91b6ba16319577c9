/**
 * The loopback servers every contender runs against: `@tokvault/msw`'s mock authorization
 * server over real HTTP (`listen()`), serving the token endpoint and two protected routes:
 * - `GET /api/fast` answers at once;
 * - `GET /api/slow` waits a random 0..`jitterMs` BEFORE checking the token, so a rotation
 *   during that wait turns in-flight requests into a stale-401 storm spread over time.
 * Plus a lean `node:http` endpoint (`leanEnv`, `GET /api/fast` only) that checks the token
 * against the same mock server (`introspect`) and does nothing else: scenario 3 uses it, so the
 * server's own per-request cost does not hide the clients' overhead.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { createMockAuthServer, type MockAuthHttpServer, type MockAuthServer } from '@tokvault/msw';
import { HttpResponse, http } from 'msw';
import type { ContenderEnv } from './contender.js';

/** A running bench server. */
export interface BenchServer {
  readonly auth: MockAuthServer;
  readonly http: MockAuthHttpServer;
  /** Where contender `clientId` sends requests (MSW `protect()` routes) and gets tokens. */
  env(clientId: string): ContenderEnv;
  /** The same, with requests going to the lean endpoint (`/fast` only). */
  leanEnv(clientId: string): ContenderEnv;
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
/** Accept backlog of the lean endpoint: room for a whole burst of new connections (Linux caps it at `net.core.somaxconn`). */
const LEAN_BACKLOG = 4096;
const BEARER = /^Bearer +(\S+)$/i;

function answerLean(auth: MockAuthServer, req: IncomingMessage, res: ServerResponse): void {
  if (req.url !== '/api/fast') {
    res.writeHead(404).end();
    return;
  }
  const token = BEARER.exec(req.headers.authorization ?? '')?.[1];
  const info = token === undefined ? undefined : auth.introspect(token);
  if (info?.kind === 'access' && info.status === 'active') {
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
  } else {
    res.writeHead(401, { 'www-authenticate': 'Bearer error="invalid_token"' }).end();
  }
}

async function listenLean(auth: MockAuthServer): Promise<Server> {
  const lean = createServer((req, res) => answerLean(auth, req, res));
  // A burst opens up to 1,000 connections at once: with Node's default accept backlog (511) the
  // kernel drops the SYNs that overflow it and the client retries them after its 1 s initial
  // retransmission timeout, which turns into bimodal, load-dependent latencies for every client.
  await new Promise<void>((resolve) =>
    lean.listen({ port: 0, host: '127.0.0.1', backlog: LEAN_BACKLOG }, resolve),
  );
  return lean;
}

/** Start the mock server, the protected API and the lean endpoint on free loopback ports. */
export async function startBenchServer(options: BenchServerOptions): Promise<BenchServer> {
  const auth = createMockAuthServer({
    tokenUrl: '/oauth/token',
    clients: options.clientIds.map((clientId) => ({ clientId, clientSecret: SECRET })),
    singleActiveToken: options.singleActiveToken,
    accessTokenTtlMs: options.accessTokenTtlMs ?? 3_600_000,
    // JWTs, as most providers issue: axios-jwt and undici-oidc-interceptor read the `exp` claim.
    accessTokenFormat: 'jwt',
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
  const lean = await listenLean(auth);
  const leanUrl = `http://127.0.0.1:${(lean.address() as AddressInfo).port}`;
  const envAt = (base: string, clientId: string): ContenderEnv => ({
    apiUrl: `${base}/api`,
    tokenUrl: server.tokenUrl,
    clientId,
    clientSecret: SECRET,
  });
  return {
    auth,
    http: server,
    env: (clientId) => envAt(server.url, clientId),
    leanEnv: (clientId) => envAt(leanUrl, clientId),
    get jitterMs() {
      return state.jitterMs;
    },
    set jitterMs(ms: number) {
      state.jitterMs = ms;
    },
    async close() {
      lean.closeAllConnections();
      await Promise.all([server.close(), new Promise((resolve) => lean.close(resolve))]);
    },
  };
}
