/**
 * Options of the mock authorization server, their defaults and their validation.
 */
import type { MockDpopOptions } from './dpop.js';

/**
 * A grant type the mock token endpoint supports: the RFC 6749 grants, the JWT bearer grant
 * (RFC 7523 §2.1) and token exchange (RFC 8693). The last two are off unless a client lists
 * them in `grants`.
 *
 * @example
 * ```ts
 * const grants: MockGrantType[] = ['refresh_token']; // a client that may only refresh
 * const exchange: MockGrantType[] = ['urn:ietf:params:oauth:grant-type:token-exchange'];
 * ```
 */
export type MockGrantType =
  | 'client_credentials'
  | 'refresh_token'
  | 'authorization_code'
  | 'urn:ietf:params:oauth:grant-type:jwt-bearer'
  | 'urn:ietf:params:oauth:grant-type:token-exchange';

/** The grants a client without `grants` may use. */
export const DEFAULT_GRANTS: readonly MockGrantType[] = [
  'client_credentials',
  'refresh_token',
  'authorization_code',
];

/** Every grant the token endpoint knows. */
export const ALL_GRANTS: readonly MockGrantType[] = [
  ...DEFAULT_GRANTS,
  'urn:ietf:params:oauth:grant-type:jwt-bearer',
  'urn:ietf:params:oauth:grant-type:token-exchange',
];

/**
 * How a client may authenticate at the token endpoint (RFC 6749 §2.3.1).
 *
 * @example
 * ```ts
 * createMockAuthServer({ tokenUrl, clients, clientAuthMethods: ['client_secret_post'] satisfies MockClientAuthMethod[] });
 * ```
 */
export type MockClientAuthMethod =
  | 'client_secret_basic'
  | 'client_secret_post'
  | 'client_secret_jwt'
  | 'private_key_jwt';

/**
 * A registered OAuth 2.0 client of the mock server.
 *
 * @example
 * ```ts
 * const client: MockClient = { clientId: 'app', clientSecret: 's3cret', scopes: ['read', 'write'] };
 * ```
 */
export interface MockClient {
  /** The `client_id`. Must be unique among `clients`. */
  clientId: string;
  /**
   * The `client_secret`. Leave it out for a public client, which authenticates with `client_id`
   * in the body only and may use the `refresh_token` grant but not `client_credentials`.
   * @default undefined (public client)
   */
  clientSecret?: string | undefined;
  /**
   * The scopes this client may obtain. A request without `scope` gets all of them; a request for
   * a scope outside this list fails with `invalid_scope`. Unset: any requested scope is granted.
   * @default undefined (any scope)
   */
  scopes?: readonly string[] | undefined;
  /**
   * Grants this client may use; any other fails with `unauthorized_client`. The JWT bearer grant
   * verifies its `assertion` with `jwks` (or `clientSecret` for HS256); token exchange accepts
   * access tokens this server issued as `subject_token` and `actor_token`.
   * @default ['client_credentials', 'refresh_token', 'authorization_code']
   */
  grants?: readonly MockGrantType[] | undefined;
  /**
   * Allowed `redirect_uri`s of the authorization-code flow (exact match). Unset: any.
   * @default undefined (any)
   */
  redirectUris?: readonly string[] | undefined;
  /**
   * Public keys (JWKs) that verify this client's `private_key_jwt` assertions (RFC 7523).
   * `client_secret_jwt` assertions are verified with `clientSecret` (HS256).
   * @default undefined (no private_key_jwt)
   */
  jwks?: readonly JsonWebKey[] | undefined;
}

/**
 * Options of {@link createMockAuthServer}.
 *
 * @example
 * ```ts
 * const auth = createMockAuthServer({
 *   tokenUrl: 'https://auth.example.com/oauth/token',
 *   clients: [{ clientId: 'app', clientSecret: 's3cret' }],
 *   accessTokenTtlMs: 60_000,
 *   singleActiveToken: true,
 * });
 * ```
 */
export interface MockAuthServerOptions {
  /**
   * DPoP (RFC 9449): token requests with a valid proof get DPoP-bound tokens (`token_type:
   * DPoP`, `cnf.jkt` in JWT access tokens), and `protect` requires a bound token's proof.
   * `true` for the defaults, or {@link MockDpopOptions} (`required`, `nonce`, `iatWindowSeconds`).
   * @default undefined (proofs are ignored, every token is a Bearer token)
   * @example
   * ```ts
   * dpop: { nonce: true }
   * ```
   */
  dpop?: boolean | MockDpopOptions | undefined;
  /**
   * The token endpoint. An absolute URL is matched exactly by the MSW handlers; a path
   * (`/oauth/token`) is resolved by MSW against the page's location (browser). Over real HTTP
   * (`listen()`) only its path counts.
   */
  tokenUrl: string | URL;
  /** The registered clients (at least one). */
  clients: readonly MockClient[];
  /**
   * Lifetime of issued access tokens. `expires_in` is sent in whole seconds (rounded down).
   * @default 3_600_000 (1 hour)
   */
  accessTokenTtlMs?: number | undefined;
  /**
   * Lifetime of issued refresh tokens. Unset: they never expire (until revoked or rotated).
   * @default undefined
   */
  refreshTokenTtlMs?: number | undefined;
  /**
   * Issue a `refresh_token` with `client_credentials` responses too (RFC 6749 §4.4.3 says SHOULD
   * NOT, but some servers do). The `refresh_token` grant always answers with one when rotating.
   * @default false
   */
  issueRefreshTokens?: boolean | undefined;
  /**
   * Rotate refresh tokens: every `refresh_token` grant returns a new refresh token and retires
   * the one redeemed. Redeeming a retired one (after `reuseGraceMs`) is reuse: the whole token
   * family (its refresh and access tokens) is revoked, as Auth0, Okta and Keycloak do.
   * @default true
   */
  rotateRefreshTokens?: boolean | undefined;
  /**
   * How long a rotated refresh token may still be redeemed without counting as reuse.
   * @default 0
   */
  reuseGraceMs?: number | undefined;
  /**
   * Single-session mode: issuing an access token invalidates every earlier access token of the
   * same client. Exposes clients that refresh twice.
   * @default false
   */
  singleActiveToken?: boolean | undefined;
  /**
   * `token_type` of issued tokens (use `'bearer'` to test case-insensitive clients).
   * @default 'Bearer'
   */
  tokenType?: string | undefined;
  /**
   * Accepted client authentication methods.
   * @default ['client_secret_basic', 'client_secret_post']
   */
  clientAuthMethods?: readonly MockClientAuthMethod[] | undefined;
  /**
   * Latency added to every token response (see `setLatency`). Uses `setTimeout`: advance fake
   * timers to let it pass.
   * @default 0
   */
  latencyMs?: number | undefined;
  /**
   * The clock. Expiry is checked against it at request time, so `vi.useFakeTimers()` applies.
   * @default () => Date.now()
   */
  now?: (() => number) | undefined;
  /**
   * Access-token format: `'opaque'` (`mock_at_…`, usable with `issueAccessToken`) or `'jwt'`
   * (RFC 9068 `at+jwt` signed with the key published at the JWKS endpoint).
   * @default 'opaque'
   */
  accessTokenFormat?: 'opaque' | 'jwt' | undefined;
  /**
   * Algorithm of the server's signing key (JWT access tokens, `id_token`s). The key is
   * generated with WebCrypto on first use and published at the JWKS endpoint.
   * @default 'ES256'
   */
  signingAlg?: 'ES256' | 'RS256' | undefined;
  /**
   * The issuer (`iss` of tokens, `issuer` of the discovery documents). Unset: the origin the
   * request reached (the `tokenUrl` origin with MSW, the listen origin over HTTP).
   * @default undefined (the request's origin)
   */
  issuer?: string | undefined;
  /**
   * `'exact'`: tokens expire exactly `accessTokenTtlMs` after issue (deterministic tests).
   * `'realistic'`: `iat`/`exp` are whole seconds, as real servers issue them, so a 3 s token
   * lives 2.0-3.0 s.
   * @default 'exact'
   */
  timing?: 'exact' | 'realistic' | undefined;
  /**
   * How far the server's clock is ahead of `now` (negative: behind). Moves `iat`/`exp` of JWTs
   * and every expiry check, as a server with a skewed clock would.
   * @default 0
   */
  clockSkewMs?: number | undefined;
  /**
   * Random extra latency, uniformly 0..`latencyJitterMs`, added to every token response on top of
   * `latencyMs`.
   * @default 0
   */
  latencyJitterMs?: number | undefined;
  /**
   * Leave `expires_in` out of token responses, as some servers do for JWT access tokens (the
   * client then reads the JWT's `exp`).
   * @default false
   */
  omitExpiresIn?: boolean | undefined;
  /**
   * The resource servers (APIs) the server knows, as absolute URIs. Set: a `resource` (RFC 8707)
   * or `audience` outside this list is refused with `invalid_target`, as oidc-provider refuses an
   * unregistered resource. Unset: any absolute URI is accepted and becomes the token's `aud`.
   * @default undefined (any resource)
   */
  resources?: readonly string[] | undefined;
}

/** Options with defaults applied. */
export interface ResolvedOptions {
  tokenUrl: string;
  tokenPath: string;
  clients: ReadonlyMap<string, Required<Pick<MockClient, 'clientId'>> & MockClient>;
  accessTokenTtlMs: number;
  refreshTokenTtlMs: number | undefined;
  issueRefreshTokens: boolean;
  rotateRefreshTokens: boolean;
  reuseGraceMs: number;
  singleActiveToken: boolean;
  tokenType: string;
  clientAuthMethods: ReadonlySet<MockClientAuthMethod>;
  latencyMs: number;
  /** The server's clock: `now()` plus `clockSkewMs`. */
  now: () => number;
  /** The clock of an API that verifies JWT access tokens itself: `now()`, without the skew. */
  apiNow: () => number;
  accessTokenFormat: 'opaque' | 'jwt';
  signingAlg: 'ES256' | 'RS256';
  issuer: string | undefined;
  timing: 'exact' | 'realistic';
  latencyJitterMs: number;
  omitExpiresIn: boolean;
  resources: ReadonlySet<string> | undefined;
}

const AUTH_METHODS: readonly MockClientAuthMethod[] = [
  'client_secret_basic',
  'client_secret_post',
  'client_secret_jwt',
  'private_key_jwt',
];

/**
 * Throw a `TypeError` naming the first key of `options` that is not in `known`, so a misspelt
 * option fails loudly instead of being ignored. The message is word for word the one of
 * `checkOptions` in `@tokvault/core/adapter` (the format every tokvault package uses); this
 * package keeps its own copy because it does not depend on `@tokvault/core`. `known` lists every option of `T` (the compiler
 * rejects a missing or an extra one), so the list cannot drift from the options interface.
 */
export function rejectUnknownOptions<T extends object>(
  api: string,
  options: T,
  known: Record<keyof T, true>,
): void {
  const names = Object.keys(known);
  for (const key of Object.keys(options)) {
    if (!names.includes(key)) {
      throw new TypeError(`${api}: unknown option "${key}" (known: ${names.join(', ') || 'none'})`);
    }
  }
}

const KNOWN_OPTIONS: Record<keyof MockAuthServerOptions, true> = {
  tokenUrl: true,
  clients: true,
  accessTokenTtlMs: true,
  refreshTokenTtlMs: true,
  issueRefreshTokens: true,
  rotateRefreshTokens: true,
  reuseGraceMs: true,
  singleActiveToken: true,
  tokenType: true,
  clientAuthMethods: true,
  latencyMs: true,
  now: true,
  accessTokenFormat: true,
  signingAlg: true,
  issuer: true,
  timing: true,
  clockSkewMs: true,
  latencyJitterMs: true,
  omitExpiresIn: true,
  resources: true,
  dpop: true,
};

function invalid(name: string, expected: string): never {
  throw new TypeError(`createMockAuthServer: option "${name}" must be ${expected}`);
}

/** Check a duration-like option: `undefined` or a finite number >= 0. */
export function checkMs(name: string, value: unknown): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    invalid(name, 'a finite number of milliseconds >= 0');
  }
  return value;
}

function checkBoolean(name: string, value: unknown, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') invalid(name, 'a boolean');
  return value;
}

function checkList<T extends string>(
  name: string,
  value: unknown,
  allowed: readonly T[],
): readonly T[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || value.some((item) => !allowed.includes(item as T))) {
    invalid(name, `an array of ${allowed.map((a) => `'${a}'`).join(', ')}`);
  }
  return value as T[];
}

/** One of `allowed` (the first is the default). */
function checkOne<T extends string>(name: string, value: unknown, allowed: readonly [T, ...T[]]): T {
  if (value === undefined) return allowed[0];
  if (!allowed.includes(value as T)) invalid(name, allowed.map((a) => `'${a}'`).join(' or '));
  return value as T;
}

function resolveTokenUrl(value: unknown): { tokenUrl: string; tokenPath: string } {
  if (value instanceof URL) return { tokenUrl: value.href, tokenPath: value.pathname };
  if (typeof value === 'string' && value.startsWith('/'))
    return { tokenUrl: value, tokenPath: value.split('?')[0]! };
  if (typeof value === 'string' && URL.canParse(value)) {
    const url = new URL(value);
    return { tokenUrl: url.href, tokenPath: url.pathname };
  }
  return invalid('tokenUrl', 'an absolute URL or a path starting with "/"');
}

function resolveClients(value: unknown): ResolvedOptions['clients'] {
  if (!Array.isArray(value) || value.length === 0) invalid('clients', 'a non-empty array of clients');
  const clients = new Map<string, MockClient>();
  value.forEach((client: unknown, index) => {
    const at = `clients[${index}]`;
    if (typeof client !== 'object' || client === null) invalid(at, 'an object');
    const c = client as MockClient;
    if (typeof c.clientId !== 'string' || c.clientId === '') invalid(`${at}.clientId`, 'a non-empty string');
    if (clients.has(c.clientId)) invalid(`${at}.clientId`, 'unique among clients');
    if (c.clientSecret !== undefined && (typeof c.clientSecret !== 'string' || c.clientSecret === '')) {
      invalid(`${at}.clientSecret`, 'a non-empty string or undefined');
    }
    if (c.scopes !== undefined && (!Array.isArray(c.scopes) || c.scopes.some((s) => typeof s !== 'string'))) {
      invalid(`${at}.scopes`, 'an array of strings');
    }
    checkList(`${at}.grants`, c.grants, ALL_GRANTS);
    if (
      c.redirectUris !== undefined &&
      (!Array.isArray(c.redirectUris) || c.redirectUris.some((u) => typeof u !== 'string'))
    ) {
      invalid(`${at}.redirectUris`, 'an array of strings');
    }
    if (
      c.jwks !== undefined &&
      (!Array.isArray(c.jwks) || c.jwks.some((k) => typeof k !== 'object' || k === null || !k.kty))
    ) {
      invalid(`${at}.jwks`, 'an array of public JWKs');
    }
    clients.set(c.clientId, { ...c });
  });
  return clients as ResolvedOptions['clients'];
}

function isResource(value: unknown): value is string {
  return typeof value === 'string' && URL.canParse(value) && !value.includes('#');
}

function resolveResources(value: unknown): ReadonlySet<string> | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || !value.every(isResource)) {
    invalid('resources', 'an array of absolute URIs without a fragment');
  }
  return new Set(value);
}

/**
 * The audience a request names (`resource`, else `audience`), or why it is refused
 * (`invalid_target`, RFC 8707 §2): a `resource` that is not an absolute URI, or a target outside
 * `resources` when the server has that list.
 */
export function targetOf(
  options: ResolvedOptions,
  resource: string | null,
  audience: string | null,
): { ok: true; audience: string | undefined } | { ok: false; description: string } {
  if (resource !== null && !isResource(resource)) {
    return { ok: false, description: 'resource must be an absolute URI' };
  }
  const target = resource ?? audience ?? undefined;
  if (target !== undefined && options.resources !== undefined && !options.resources.has(target)) {
    return { ok: false, description: 'the resource is not known to this server' };
  }
  return { ok: true, audience: target };
}

/** Validate options (throwing `TypeError` naming the option) and apply defaults. */
export function resolveOptions(options: MockAuthServerOptions): ResolvedOptions {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError('createMockAuthServer: options must be an object with "tokenUrl" and "clients"');
  }
  rejectUnknownOptions('createMockAuthServer', options, KNOWN_OPTIONS);
  if (options.now !== undefined && typeof options.now !== 'function') invalid('now', 'a function');
  if (
    options.tokenType !== undefined &&
    (typeof options.tokenType !== 'string' || options.tokenType === '')
  ) {
    invalid('tokenType', 'a non-empty string');
  }
  const methods = checkList('clientAuthMethods', options.clientAuthMethods, AUTH_METHODS) ?? AUTH_METHODS;
  if (methods.length === 0) invalid('clientAuthMethods', 'a non-empty array');
  const clock = options.now ?? (() => Date.now());
  const skew = options.clockSkewMs ?? 0;
  if (typeof skew !== 'number' || !Number.isFinite(skew)) invalid('clockSkewMs', 'a finite number');
  if (options.issuer !== undefined && (typeof options.issuer !== 'string' || !URL.canParse(options.issuer))) {
    invalid('issuer', 'an absolute URL');
  }
  return {
    ...resolveTokenUrl(options.tokenUrl),
    clients: resolveClients(options.clients),
    accessTokenTtlMs: checkMs('accessTokenTtlMs', options.accessTokenTtlMs) ?? 3_600_000,
    refreshTokenTtlMs: checkMs('refreshTokenTtlMs', options.refreshTokenTtlMs),
    issueRefreshTokens: checkBoolean('issueRefreshTokens', options.issueRefreshTokens, false),
    rotateRefreshTokens: checkBoolean('rotateRefreshTokens', options.rotateRefreshTokens, true),
    reuseGraceMs: checkMs('reuseGraceMs', options.reuseGraceMs) ?? 0,
    singleActiveToken: checkBoolean('singleActiveToken', options.singleActiveToken, false),
    tokenType: options.tokenType ?? 'Bearer',
    clientAuthMethods: new Set(methods),
    latencyMs: checkMs('latencyMs', options.latencyMs) ?? 0,
    now: skew === 0 ? clock : () => clock() + skew,
    apiNow: clock,
    accessTokenFormat: checkOne('accessTokenFormat', options.accessTokenFormat, ['opaque', 'jwt']),
    signingAlg: checkOne('signingAlg', options.signingAlg, ['ES256', 'RS256']),
    issuer: options.issuer?.replace(/\/+$/, ''),
    timing: checkOne('timing', options.timing, ['exact', 'realistic']),
    latencyJitterMs: checkMs('latencyJitterMs', options.latencyJitterMs) ?? 0,
    omitExpiresIn: checkBoolean('omitExpiresIn', options.omitExpiresIn, false),
    resources: resolveResources(options.resources),
  };
}
