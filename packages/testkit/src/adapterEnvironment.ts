/**
 * The world the adapter contract runs in: a mock authorization server, a protected echo API
 * (MSW handlers, or the same handlers over real HTTP via `listen()`), a shared manual clock and
 * a vault whose `fetchToken` calls the mock token endpoint.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createTokenVault, type FetchToken, type TokenVault } from '@tokvault/core';
import { createMockAuthServer, type MockAuthServer } from '@tokvault/msw';
import { type HttpHandler, HttpResponse, http, passthrough } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll } from 'vitest';

/** The OAuth 2.0 client the contract's vaults use. */
export const CONTRACT_CLIENT = { clientId: 'contract-app', clientSecret: 'contract-secret' } as const;
/** The protected API's origin (MSW). */
export const API_ORIGIN = 'https://api.contract.test';
/** The protected API's base URL: `echo`, `always-401` and `forbidden-scope` live under it. */
export const API_BASE_URL = `${API_ORIGIN}/v1/`;
/** The other origin the contract sends to (must get no token). */
export const OTHER_ORIGIN = 'https://other.contract.test';
/** Lifetime of contract tokens (1 h): the clock jumps past it to expire them. */
export const CONTRACT_TTL_MS = 3_600_000;

/** A protected-API hit, as recorded by the echo handlers. */
export interface ApiHit {
  /** The `id` query parameter the contract put on the request. */
  id: string;
  /** The `Authorization` header that reached the server, or `null`. */
  authorization: string | null;
}

/** What the echo endpoints answer (JSON). */
export interface EchoBody {
  id: string;
  method: string;
  contentType: string | null;
  authorization: boolean;
  /** Every request header (lower-case names). */
  headers: Record<string, string>;
  /** The body as text, or for multipart the form entries (`name=value` / `name=file:<text>`). */
  body: string;
}

/** A request one of the {@link LoopbackPair} servers received. */
export interface LoopbackHit {
  /** Which server: `'a'` or `'b'`. */
  server: 'a' | 'b';
  /** Path and query. */
  path: string;
  /** The request method. */
  method: string;
  /** Every request header (lower-case names). */
  headers: Record<string, string>;
  /** The body, as text. */
  body: string;
}

/**
 * Two real HTTP servers on loopback, two ports: two origins. Both answer:
 * `/redirect?status=302&to=<url>` with that redirect, `/loop` with a 302 to itself, `/echo`
 * with 200 and the request as JSON (`{ server, path, method, headers, body }`), `/401` with a
 * 401 `invalid_token` challenge. MSW lets their requests through.
 */
export interface LoopbackPair {
  /** Origin A (`http://127.0.0.1:<port>`), once started. */
  readonly a: string;
  /** Origin B, once started. */
  readonly b: string;
  /** Requests received, in arrival order (cleared by `reset`). */
  readonly hits: LoopbackHit[];
  /** Start both servers (idempotent). */
  start(): Promise<void>;
  /** Stop both servers. */
  close(): Promise<void>;
}

/**
 * Create the loopback server pair (not started).
 *
 * @example
 * ```ts
 * const pair = createLoopbackPair();
 * await pair.start();
 * await fetch(`${pair.a}/redirect?status=307&to=${encodeURIComponent(`${pair.b}/echo`)}`);
 * ```
 */
export function createLoopbackPair(): LoopbackPair {
  const hits: LoopbackHit[] = [];
  const servers: Server[] = [];
  const origins = { a: '', b: '' };
  const serve = (server: 'a' | 'b') =>
    createServer(async (req, res) => {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      const url = new URL(req.url ?? '/', origins[server]);
      const headers = Object.fromEntries(
        Object.entries(req.headers).map(([name, value]) => [name, String(value)]),
      );
      const hit: LoopbackHit = {
        server,
        path: `${url.pathname}${url.search}`,
        method: req.method ?? 'GET',
        headers,
        body: Buffer.concat(chunks).toString(),
      };
      hits.push(hit);
      if (url.pathname === '/loop') {
        res.writeHead(302, { location: '/loop' }).end();
      } else if (url.pathname === '/redirect') {
        const status = Number(url.searchParams.get('status') ?? 302);
        res.writeHead(status, { location: url.searchParams.get('to') ?? '/echo' }).end();
      } else if (url.pathname === '/401') {
        res
          .writeHead(401, {
            'content-type': 'application/json',
            'www-authenticate': 'Bearer error="invalid_token"',
          })
          .end(JSON.stringify({ error: 'invalid_token', server }));
      } else {
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(hit));
      }
    });
  return {
    get a() {
      return origins.a;
    },
    get b() {
      return origins.b;
    },
    hits,
    async start() {
      if (servers.length > 0) return;
      for (const name of ['a', 'b'] as const) {
        const server = serve(name);
        servers.push(server);
        await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
        origins[name] = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      }
    },
    async close() {
      for (const server of servers.splice(0)) {
        server.closeAllConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
      }
    },
  };
}

/** A controllable gate: requests wait on it until `open()`. */
export interface Gate {
  /** Resolves once the gate is open (at once if it already is). */
  wait(): Promise<void>;
  /** Release every waiter, now and later. */
  open(): void;
  /** How many times `wait()` was called: the requests that reached the gate. */
  readonly arrived: number;
}

function createGate(): Gate {
  let open: () => void = () => {};
  let promise: Promise<void> | undefined;
  let arrived = 0;
  return {
    wait: () => {
      arrived += 1;
      promise ??= new Promise<void>((resolve) => {
        open = resolve;
      });
      return promise;
    },
    open: () => {
      promise ??= Promise.resolve();
      open();
    },
    get arrived() {
      return arrived;
    },
  };
}

async function readBody(request: Request): Promise<string> {
  const type = request.headers.get('content-type') ?? '';
  if (type.startsWith('multipart/form-data')) {
    const form = await request.formData();
    const parts: string[] = [];
    for (const [name, value] of form) {
      parts.push(typeof value === 'string' ? `${name}=${value}` : `${name}=file:${await value.text()}`);
    }
    return parts.join('&');
  }
  return request.text();
}

/** Everything a contract test touches. Create one per `describe` with {@link createAdapterEnvironment}. */
export interface AdapterEnvironment {
  readonly auth: MockAuthServer;
  /** MSW handlers: token endpoint, protected echo API, always-401 API, other-origin echo. */
  readonly handlers: HttpHandler[];
  /** Hits per request id on the protected routes (echo + always-401), in arrival order. */
  readonly hits: ApiHit[];
  /** Two real loopback origins for redirect tests (started by {@link useAdapterEnvironment}). */
  readonly loopback: LoopbackPair;
  /** Hold protected echo requests (AFTER counting, BEFORE the token check) until opened. */
  holdEchoes(): Gate;
  /**
   * Hold token requests BEFORE the mock authorization server sees them (so they are not yet in
   * `auth.stats`) until opened: a refresh that stays in flight exactly as long as a test needs.
   */
  holdTokenRequests(): Gate;
  /** The shared clock (auth server and vaults). */
  now(): number;
  /** Move the shared clock forward. */
  advance(ms: number): void;
  /** Number of hits with `id`. */
  hitsOf(id: string): number;
  /** A vault on the shared clock, no retries; `fetchToken` errors are recorded in `sourceErrors`. */
  createVault(tokenUrl?: string): TokenVault;
  /** Errors `fetchToken` threw (the `cause` a `TokenRefreshError` must carry). */
  readonly sourceErrors: unknown[];
  /** Reset tokens, counters, hits and holds between tests; closes vaults created so far. */
  reset(): Promise<void>;
}

/**
 * Build the environment. `apiOrigin` is where the protected API lives (an MSW origin, or a
 * path-only setup for `listen()` where handlers match any origin).
 */
export function createAdapterEnvironment(apiOrigin: string): AdapterEnvironment {
  let clock = Date.UTC(2026, 0, 1);
  const now = () => clock;
  const auth = createMockAuthServer({
    tokenUrl: 'https://auth.contract.test/oauth/token',
    clients: [CONTRACT_CLIENT],
    accessTokenTtlMs: CONTRACT_TTL_MS,
    singleActiveToken: true,
    now,
  });
  const hits: ApiHit[] = [];
  const loopback = createLoopbackPair();
  const vaults: TokenVault[] = [];
  const sourceErrors: unknown[] = [];
  let gate: Gate | undefined;
  let tokenGate: Gate | undefined;
  const record = (request: Request) => {
    const id = new URL(request.url).searchParams.get('id') ?? '';
    hits.push({ id, authorization: request.headers.get('authorization') });
    return id;
  };
  const echo = async (request: Request, id: string): Promise<EchoBody> => ({
    id,
    method: request.method,
    contentType: request.headers.get('content-type'),
    authorization: request.headers.has('authorization'),
    headers: Object.fromEntries(request.headers),
    body: await readBody(request),
  });
  const protectedEcho = auth.protect(async ({ request }) => {
    const id = new URL(request.url).searchParams.get('id') ?? '';
    return HttpResponse.json(await echo(request, id));
  });
  const handlers: HttpHandler[] = [
    // The loopback pair is real: MSW lets every request to 127.0.0.1 through.
    http.all(/^http:\/\/127\.0\.0\.1:\d+\//, () => passthrough()),
    // Falls through (no response) to the mock server's token endpoint once the gate opens.
    http.all(auth.tokenUrl, async () => {
      await tokenGate?.wait();
    }),
    ...auth.handlers,
    http.all(`${apiOrigin}/v1/echo`, async (info) => {
      record(info.request);
      if (gate) await gate.wait();
      return protectedEcho(info);
    }),
    http.all(`${apiOrigin}/v1/always-401`, ({ request }) => {
      const id = record(request);
      return HttpResponse.json(
        { error: 'invalid_token', hit: hits.filter((hit) => hit.id === id).length },
        { status: 401, headers: { 'WWW-Authenticate': 'Bearer error="invalid_token"' } },
      );
    }),
    http.all(`${apiOrigin}/v1/forbidden-scope`, ({ request }) => {
      record(request);
      return HttpResponse.json(
        { error: 'insufficient_scope' },
        { status: 401, headers: { 'WWW-Authenticate': 'Bearer error="insufficient_scope", scope="admin"' } },
      );
    }),
    http.all(`${OTHER_ORIGIN}/echo`, async ({ request }) => {
      const id = new URL(request.url).searchParams.get('id') ?? '';
      return HttpResponse.json(await echo(request, id));
    }),
  ];

  const makeFetchToken =
    (tokenUrl: string): FetchToken =>
    async ({ signal }) => {
      const basic = btoa(`${CONTRACT_CLIENT.clientId}:${CONTRACT_CLIENT.clientSecret}`);
      try {
        const response = await globalThis.fetch(tokenUrl, {
          method: 'POST',
          headers: { Authorization: `Basic ${basic}`, 'Content-Type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({ grant_type: 'client_credentials' }),
          signal,
        });
        if (!response.ok) throw new Error(`token endpoint answered ${response.status}`);
        const json = (await response.json()) as { access_token: string; expires_in: number };
        return { accessToken: json.access_token, expiresIn: json.expires_in };
      } catch (error) {
        if (!signal.aborted) sourceErrors.push(error);
        throw error;
      }
    };

  return {
    auth,
    handlers,
    hits,
    loopback,
    sourceErrors,
    now,
    advance: (ms) => {
      clock += ms;
    },
    hitsOf: (id) => hits.filter((hit) => hit.id === id).length,
    holdEchoes: () => {
      gate = createGate();
      return gate;
    },
    holdTokenRequests: () => {
      tokenGate = createGate();
      return tokenGate;
    },
    createVault: (tokenUrl = auth.tokenUrl) => {
      const vault = createTokenVault({
        name: 'contract',
        fetchToken: makeFetchToken(tokenUrl),
        now,
        retry: false,
      });
      vaults.push(vault);
      return vault;
    },
    async reset() {
      gate?.open();
      gate = undefined;
      tokenGate?.open();
      tokenGate = undefined;
      await Promise.all(vaults.splice(0).map((vault) => vault.close()));
      auth.reset();
      hits.length = 0;
      loopback.hits.length = 0;
      sourceErrors.length = 0;
    },
  };
}

/**
 * Create an environment on {@link API_ORIGIN} and serve it with MSW for the current `describe`
 * (or file): listen before all tests, reset after each, close after all. `extra` handlers
 * come first, so they can add routes.
 *
 * @example
 * ```ts
 * const env = useAdapterEnvironment();
 * it('works', async () => { const vault = env.createVault(); … });
 * ```
 */
export function useAdapterEnvironment(...extra: HttpHandler[]): AdapterEnvironment {
  const env = createAdapterEnvironment(API_ORIGIN);
  const server = setupServer(...extra, ...env.handlers);
  beforeAll(async () => {
    await env.loopback.start();
    server.listen({ onUnhandledFrame: 'error' });
  });
  afterEach(() => env.reset());
  afterAll(async () => {
    server.close();
    await env.loopback.close();
  });
  return env;
}
