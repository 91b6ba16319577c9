/**
 * The loopback servers every contender runs against: `@tokvault/msw`'s mock authorization
 * server's handlers over real HTTP (as its `listen()` serves them, with a larger accept backlog),
 * serving the token endpoint and two protected routes:
 * - `GET /api/fast` answers at once;
 * - `GET /api/slow` waits a random 0..`jitterMs` BEFORE checking the token, so a rotation
 *   during that wait turns in-flight requests into a stale-401 storm spread over time.
 * Plus a lean `node:http` endpoint (`leanEnv`, `GET /api/fast` only) that checks the token
 * against the same mock server (`introspect`) and does nothing else: scenario 3 uses it, so the
 * server's own per-request cost does not hide the clients' overhead (scenario 6 too).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { createMockAuthServer, type MockAuthServer } from '@tokvault/msw';
import { getResponse, HttpResponse, http, type RequestHandler } from 'msw';
import type { ContenderEnv } from './contender.js';

/** A running bench server. */
export interface BenchServer {
  readonly auth: MockAuthServer;
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
/** Accept backlog of both servers: room for a whole burst of new connections (Linux caps it at `net.core.somaxconn`). */
const BACKLOG = 4096;
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

/**
 * Listen on a free loopback port. A burst opens up to 1,000 connections at once: with Node's
 * default accept backlog (511) the kernel drops the SYNs that overflow it on a busy machine and
 * the client retries them after 1 s (then 3 s), which turns into bimodal, load-dependent
 * latencies for every client. Returns the origin.
 */
async function listenWide(server: Server): Promise<string> {
  await new Promise<void>((resolve) =>
    server.listen({ port: 0, host: '127.0.0.1', backlog: BACKLOG }, resolve),
  );
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/**
 * The mock authorization server's handlers and the API handlers over `node:http` (what
 * `@tokvault/msw`'s `listen()` does, with an accept backlog a burst fits in: `listen()` keeps
 * Node's 511).
 */
function mockServer(handlers: readonly RequestHandler[], origin: () => string): Server {
  const answer = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const headers = new Headers();
    for (const [name, value] of Object.entries(req.headers)) {
      for (const item of Array.isArray(value) ? value : [value])
        if (item !== undefined) headers.append(name, item);
    }
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const method = req.method ?? 'GET';
    const body = method === 'GET' || method === 'HEAD' ? undefined : Buffer.concat(chunks);
    const request = new Request(new URL(req.url ?? '/', origin()), { method, headers, body });
    const response =
      (await getResponse([...handlers], request, { baseUrl: origin() })) ??
      HttpResponse.json({ error: 'not_found' }, { status: 404 });
    const out: string[] = [];
    for (const [name, value] of response.headers) out.push(name, value);
    res.writeHead(response.status, out).end(Buffer.from(await response.arrayBuffer()));
  };
  return createServer((req, res) => {
    answer(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });
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
  let url = '';
  const server = mockServer(
    [
      ...auth.handlers,
      http.get('/api/fast', fast),
      http.get('/api/slow', async (info) => {
        await sleep(Math.random() * state.jitterMs);
        return slow(info);
      }),
    ],
    () => url,
  );
  url = await listenWide(server);
  const lean = createServer((req, res) => answerLean(auth, req, res));
  const leanUrl = await listenWide(lean);
  const envAt = (base: string, clientId: string): ContenderEnv => ({
    apiUrl: `${base}/api`,
    tokenUrl: `${url}/oauth/token`,
    clientId,
    clientSecret: SECRET,
  });
  return {
    auth,
    env: (clientId) => envAt(url, clientId),
    leanEnv: (clientId) => envAt(leanUrl, clientId),
    get jitterMs() {
      return state.jitterMs;
    },
    set jitterMs(ms: number) {
      state.jitterMs = ms;
    },
    async close() {
      await Promise.all(
        [server, lean].map((s) => {
          s.closeAllConnections();
          return new Promise((resolve) => s.close(resolve));
        }),
      );
    },
  };
}
