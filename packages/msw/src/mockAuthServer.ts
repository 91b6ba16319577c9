/**
 * `createMockAuthServer`: a mock OAuth 2.0 authorization server for tests, as MSW handlers and
 * (via `listen()`) over real HTTP, with controls to expire, revoke and fail.
 */
import { type HttpHandler, http } from 'msw';
import { createCode, type LoginOptions } from './authorizationCode.js';
import { endpointPaths, type ServerContext } from './context.js';
import { createMockDpop, type MockDpopControls } from './dpop.js';
import { checkFailNext, type FailNextOptions, FailureQueue } from './failures.js';
import { mintAccessToken } from './issue.js';
import { SigningKey } from './jwt.js';
import { type ListenOptions, listenHttp, type MockAuthHttpServer } from './listen.js';
import { type MockAuthServerOptions, rejectUnknownOptions, resolveOptions } from './options.js';
import { createProtect, type Protect, rejection } from './protect.js';
import { type Grant, type MockTokenInfo, Registry } from './registry.js';
import { createRoutes } from './routes.js';
import { createStats, type MockAuthStats, resetStats } from './stats.js';
import { createTokenEndpoint } from './tokenEndpoint.js';
import {
  type AccessTokenVerification,
  checkVerifyOptions,
  judgeJwtAccessToken,
  type VerifyAccessTokenOptions,
} from './verifyAccessToken.js';

/**
 * Options of `issueAccessToken` / `issueRefreshToken`.
 *
 * @example
 * ```ts
 * const token = auth.issueAccessToken('app', { scopes: ['read'] });
 * ```
 */
export interface IssueTokenOptions {
  /**
   * Granted scopes.
   * @default the client's `scopes`, or none
   */
  scopes?: readonly string[] | undefined;
  /** Audience recorded with the grant. @default undefined */
  audience?: string | undefined;
  /** The end user the token acts for. @default undefined (the client itself) */
  sub?: string | undefined;
}

/**
 * A mock authorization server. All state lives in this object, so two servers (e.g. in two
 * concurrent `server.boundary()` tests) never share tokens.
 *
 * @example
 * ```ts
 * const auth = createMockAuthServer({ tokenUrl, clients: [{ clientId: 'app', clientSecret: 's' }] });
 * const server = setupServer(...auth.handlers, http.get('https://api.example.com/me', auth.protect(() => HttpResponse.json({ ok: true }))));
 * ```
 */
export interface MockAuthServer {
  /** The token endpoint, as resolved from the `tokenUrl` option. */
  readonly tokenUrl: string;
  /**
   * MSW handlers for `setupServer`, `setupWorker` or `server.use`: the token, authorize, JWKS,
   * revocation and introspection endpoints (siblings of `tokenUrl`'s path) and the two discovery
   * documents at the origin's `/.well-known/`.
   */
  readonly handlers: readonly HttpHandler[];
  /**
   * Wrap an MSW resolver of your API: requests without a valid access token of this server get
   * 401 `WWW-Authenticate: Bearer error="invalid_token"`; a token lacking `scopes` gets 403
   * `insufficient_scope`. The resolver receives `info.auth` (client id, scopes, audience).
   * `{ verify: 'jwt' }` verifies JWT access tokens as an API does (see `verifyAccessToken`).
   */
  readonly protect: Protect;
  /** Live counters; zeroed by `reset()`. */
  readonly stats: MockAuthStats;
  /** DPoP counters and the nonce control, with the `dpop` option; else `undefined`. */
  readonly dpop: MockDpopControls | undefined;
  /** Every access token issued so far expires now (refresh tokens stay valid). */
  expireAll(): void;
  /** Revoke every access and refresh token issued so far (the session ended server-side). */
  revokeAll(): void;
  /** Revoke one token (a refresh token takes its whole family along). Returns whether it was known. */
  revoke(token: string): boolean;
  /**
   * Make the next `count` token requests fail (FIFO after earlier `failNext` calls).
   * @default options: 503 with `{ error: 'temporarily_unavailable' }`
   */
  failNext(count: number, options?: FailNextOptions): void;
  /** Latency added to every token response from now on (uses `setTimeout`). */
  setLatency(ms: number): void;
  /** Forget all tokens, queued failures and counters; latency returns to `latencyMs`. */
  reset(): void;
  /** What the server knows about a token (status, client, scopes, expiry), or `undefined`. */
  introspect(token: string): MockTokenInfo | undefined;
  /** Mint an access token directly (as if issued earlier). Not counted in `stats`. */
  issueAccessToken(clientId: string, options?: IssueTokenOptions): string;
  /** Mint a refresh token directly (as after an authorization-code login). Not counted in `stats`. */
  issueRefreshToken(clientId: string, options?: IssueTokenOptions): string;
  /**
   * Mint an access token in the configured `accessTokenFormat` (a signed JWT with `'jwt'`, which
   * `issueAccessToken` cannot do synchronously). Not counted in `stats`.
   */
  signAccessToken(clientId: string, options?: IssueTokenOptions): Promise<string>;
  /**
   * Log a user in without a UI: returns an authorization code for `clientId` that the token
   * endpoint exchanges (`grant_type=authorization_code`), checking `redirectUri` and the PKCE
   * verifier of `codeChallenge` if given. `openid` in `scopes` adds an `id_token`.
   */
  login(options: LoginOptions): string;
  /**
   * Verify a JWT access token as the API (resource server) would, without looking it up: the
   * signature with the JWKS key, `typ` `at+jwt`, `exp` in whole seconds against `now` (without
   * `clockSkewMs`), `audience` and `scopes`. A revoked token passes until it expires, as it does
   * at a real API. Counted in `stats` like `protect`. Needs `accessTokenFormat: 'jwt'`.
   *
   * @example
   * ```ts
   * http.get('https://api.example.com/items', async ({ request }) => {
   *   const token = request.headers.get('Authorization')?.replace(/^Bearer /, '') ?? '';
   *   const checked = await auth.verifyAccessToken(token, { audience: 'https://api.example.com', scopes: ['read'] });
   *   if (!checked.ok) return checked.response; // 401 invalid_token or 403 insufficient_scope
   *   return HttpResponse.json({ user: checked.claims.sub });
   * });
   * ```
   */
  verifyAccessToken(token: string, options?: VerifyAccessTokenOptions): Promise<AccessTokenVerification>;
  /** The server's public signing keys (what the JWKS endpoint serves). */
  jwks(): Promise<{ keys: JsonWebKey[] }>;
  /**
   * Serve the same server over real HTTP (Node.js only), token endpoint at `tokenUrl`'s path.
   * Shares state, controls and `stats` with the MSW handlers.
   */
  listen(options?: ListenOptions): Promise<MockAuthHttpServer>;
}

/**
 * Create a mock OAuth 2.0 authorization server.
 *
 * @example
 * ```ts
 * import { createMockAuthServer } from '@tokvault/msw';
 * import { setupServer } from 'msw/node';
 *
 * const auth = createMockAuthServer({
 *   tokenUrl: 'https://auth.example.com/oauth/token',
 *   clients: [{ clientId: 'app', clientSecret: 's3cret' }],
 *   accessTokenTtlMs: 60_000,
 * });
 * const server = setupServer(...auth.handlers);
 * ```
 */
export function createMockAuthServer(options: MockAuthServerOptions): MockAuthServer {
  const o = resolveOptions(options);
  const registry = new Registry();
  const stats = createStats();
  const failures = new FailureQueue();
  let latencyMs = o.latencyMs;
  const ctx: ServerContext = {
    options: o,
    registry,
    stats,
    failures,
    latencyMs: () => latencyMs,
    key: new SigningKey(o.signingAlg),
    codes: new Map(),
    assertionIds: new Map(),
    dpop: createMockDpop(options.dpop, o.now),
  };
  const paths = endpointPaths(o.tokenPath);
  const routes = createRoutes(ctx, paths, createTokenEndpoint(ctx));
  const origin = URL.canParse(o.tokenUrl) ? new URL(o.tokenUrl).origin : '';

  function grantFor(method: string, clientId: string, issue: IssueTokenOptions = {}): Grant {
    const client = o.clients.get(clientId);
    if (!client) throw new TypeError(`${method}: "clientId" is not a registered client`);
    const scopes = issue.scopes ?? client.scopes ?? [];
    if (!Array.isArray(scopes) || scopes.some((s) => typeof s !== 'string')) {
      throw new TypeError(`${method}: option "scopes" must be an array of strings`);
    }
    return { clientId, scopes, audience: issue.audience, sub: issue.sub };
  }

  return Object.freeze({
    tokenUrl: o.tokenUrl,
    handlers: Object.freeze(
      routes.paths.map((path) => http.all(origin + path, ({ request }) => routes.handle(request))),
    ),
    protect: createProtect(o, registry, stats, ctx.key, ctx.dpop),
    dpop: ctx.dpop,
    stats,
    expireAll: () => registry.expireAll(o.now()),
    revokeAll: () => registry.revokeAll(),
    revoke: (token: string) => registry.revoke(token),
    failNext(count: number, failOptions: FailNextOptions = {}) {
      checkFailNext(count, failOptions);
      failures.add(count, failOptions);
    },
    setLatency(ms: number) {
      if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0) {
        throw new TypeError('setLatency: "ms" must be a finite number of milliseconds >= 0');
      }
      latencyMs = ms;
    },
    reset() {
      registry.clear();
      failures.clear();
      ctx.codes.clear();
      ctx.assertionIds.clear();
      ctx.dpop?.reset();
      resetStats(stats);
      latencyMs = o.latencyMs;
    },
    introspect: (token: string) => registry.info(token, o.now()),
    issueAccessToken(clientId: string, issue?: IssueTokenOptions) {
      if (o.accessTokenFormat === 'jwt') {
        throw new TypeError(
          'issueAccessToken: JWT access tokens are signed asynchronously; use signAccessToken',
        );
      }
      const grant = grantFor('issueAccessToken', clientId, issue);
      return registry.issueAccess(grant, o.now(), o.accessTokenTtlMs, undefined, o.singleActiveToken);
    },
    issueRefreshToken(clientId: string, issue?: IssueTokenOptions) {
      const grant = grantFor('issueRefreshToken', clientId, issue);
      return registry.issueRefresh(grant, o.now(), o.refreshTokenTtlMs, registry.newFamily());
    },
    signAccessToken: async (clientId: string, issue?: IssueTokenOptions) =>
      mintAccessToken(ctx, grantFor('signAccessToken', clientId, issue), undefined, undefined),
    login(login: LoginOptions) {
      if (typeof login !== 'object' || login === null)
        throw new TypeError('login: options must be an object');
      rejectUnknownOptions('login', login, {
        clientId: true,
        sub: true,
        scopes: true,
        redirectUri: true,
        codeChallenge: true,
        nonce: true,
        audience: true,
      });
      const grant = grantFor('login', login.clientId, login);
      if (login.sub !== undefined && (typeof login.sub !== 'string' || login.sub === '')) {
        throw new TypeError('login: option "sub" must be a non-empty string');
      }
      return createCode(ctx, o.clients.get(grant.clientId)!, { ...login, scopes: grant.scopes });
    },
    async verifyAccessToken(token: string, verify: VerifyAccessTokenOptions = {}) {
      if (typeof token !== 'string') throw new TypeError('verifyAccessToken: "token" must be a string');
      if (typeof verify !== 'object' || verify === null) {
        throw new TypeError('verifyAccessToken: options must be an object');
      }
      rejectUnknownOptions('verifyAccessToken', verify, { audience: true, scopes: true });
      const required = checkVerifyOptions('verifyAccessToken', verify);
      if (o.accessTokenFormat !== 'jwt') {
        throw new TypeError("verifyAccessToken: needs the server option accessTokenFormat: 'jwt'");
      }
      stats.apiRequests += 1;
      const judged = await judgeJwtAccessToken(ctx.key, o, token, verify, required);
      if (judged.ok) return judged.verified;
      return Object.freeze({
        ok: false as const,
        reason: judged.reason,
        response: rejection(stats, judged.reason, required),
      });
    },
    jwks: () => ctx.key.jwks(),
    listen: (listenOptions?: ListenOptions) =>
      listenHttp({ tokenPath: o.tokenPath, paths: routes.paths, handle: routes.handle }, listenOptions),
  });
}
