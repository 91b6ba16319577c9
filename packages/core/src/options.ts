/**
 * Vault options, their defaults and their validation.
 */
import type { Timers } from './abort.js';
import { checkOptions, invalidOption, type OptionRule } from './checkOptions.js';
import type { Dpop } from './dpopTypes.js';
import type { RefreshReason } from './events.js';
import { DEFAULT_RETRY, type RetryOptions, type RetryPolicy } from './retry.js';
import type { TokenStore } from './store.js';
import type { OAuthTokenResponse, Token, TokenResponse } from './token.js';

/**
 * What the vault passes to `fetchToken`.
 *
 * @example
 * ```ts
 * declare function refreshGrant(refreshToken: string): URLSearchParams; // your token request bodies
 * declare function passwordGrant(): URLSearchParams;
 * declare function parse(body: unknown): TokenResponse; // your response parser
 * const fetchToken: FetchToken = async ({ signal, reason, previous }) => {
 *   const grant = previous?.refreshToken ? refreshGrant(previous.refreshToken) : passwordGrant();
 *   const res = await fetch(tokenUrl, { method: 'POST', body: grant, signal });
 *   return parse(await res.json());
 * };
 * ```
 */
export interface FetchTokenContext {
  /** Aborted on `refreshTimeoutMs` or `close()` (never by one caller's abort). Pass it to `fetch`. */
  signal: AbortSignal;
  /** Why this refresh runs. */
  reason: RefreshReason;
  /** The token being replaced, if any (its `refreshToken` is useful for refresh grants). */
  previous: Token | undefined;
  /** The vault's `dpop` option: sign a proof for the token request with it (the OAuth sources do). */
  dpop?: Dpop | undefined;
}

/**
 * Obtains a token. Resolve to a {@link TokenResponse} or a bare access-token string; throw a
 * `TokenRefreshError` (or any error with `retryable`, `code`, `retryAfterMs`) on failure.
 *
 * @example
 * ```ts
 * const fetchToken: FetchToken = async ({ signal }) => {
 *   const res = await fetch('https://auth.example.com/token', { method: 'POST', signal });
 *   if (!res.ok) throw new TokenRefreshError(`token endpoint answered ${res.status}`, { retryable: res.status >= 500 });
 *   const body = await res.json();
 *   return { accessToken: body.access_token, expiresIn: body.expires_in };
 * };
 * ```
 */
export type FetchToken = (context: FetchTokenContext) => Promise<TokenResponse | OAuthTokenResponse | string>;

/**
 * Options of `createTokenVault`.
 *
 * @example
 * ```ts
 * const vault = createTokenVault({
 *   fetchToken: clientCredentials({ tokenUrl, clientId, clientSecret }),
 *   keepFresh: true,
 * });
 * ```
 */
export interface TokenVaultOptions {
  /**
   * Obtains a new token. Called at most once at a time per vault (and per store key).
   * Required: there is no default.
   */
  fetchToken: FetchToken;
  /**
   * Names the vault in events and errors; also the key in a shared `store`.
   * @default 'default'
   */
  name?: string;
  /**
   * Lifetime of tokens that carry no expiry (bare strings, responses without `expiresIn`/`expiresAt`).
   * Unset: such tokens are valid until `invalidate()` or a 401.
   * @default undefined
   */
  lifetimeMs?: number;
  /**
   * Soft window before expiry: the cached token is served and ONE background refresh starts.
   * @default min(5 min, 25% of the token's lifetime), or the server's `refreshIn`
   */
  refreshWindowMs?: number;
  /**
   * Hard margin before expiry (clock skew): inside it a token counts as expired and callers
   * wait for a fresh one.
   * @default min(10 s, 10% of the token's lifetime)
   */
  expiryMarginMs?: number;
  /**
   * Refresh on a timer ahead of expiry (with jitter), so requests never wait. The timer never
   * keeps a process alive, backs off on failure and stops on `close()`.
   * @default false
   */
  keepFresh?: boolean;
  /**
   * Bound on one refresh, retries included; then its `fetchToken` signal aborts and waiters
   * reject with `RefreshTimeoutError`.
   * @default 30000
   */
  refreshTimeoutMs?: number;
  /**
   * Retries of transient failures; `false` disables. Errors with `retryable: false` never retry.
   * @default { retries: 2, baseDelayMs: 200, maxDelayMs: 10000 }
   */
  retry?: RetryOptions | false;
  /**
   * Shared cache and lock. Use `@tokvault/redis` for a fleet, `@tokvault/browser` for tabs.
   * @default a private in-memory store
   */
  store?: TokenStore;
  /**
   * Revokes the session's tokens at the server when `invalidate()` logs out (e.g. `revocation()`
   * from `@tokvault/core/oauth2`, RFC 7009). Called after the local logout, with the token
   * being forgotten; a failure emits `'revoke:error'` and never undoes or blocks the logout.
   * @default undefined (logout is local only)
   */
  revokeToken?: (token: Token, context: { signal: AbortSignal }) => Promise<void>;
  /**
   * DPoP (RFC 9449): `createDpop()` from `@tokvault/core/dpop`. The OAuth sources get it with
   * each `fetchToken` call and ask for tokens bound to its key; the adapters read it from
   * `vault.dpop` and send every `DPoP` token with a fresh proof. Configure it here, once.
   * @default undefined (Bearer tokens)
   * @example
   * ```ts
   * createTokenVault({ dpop: createDpop(), fetchToken: clientCredentials({ issuer, clientId, clientSecret }) })
   * ```
   */
  dpop?: Dpop;
  /**
   * Clock, epoch ms. Inject for tests.
   * @default Date.now
   */
  now?: () => number;
  /**
   * Timers for the keepFresh schedule, the refresh timeout, retry sleeps and the store
   * catch-up. Inject for tests, like `now`.
   * @default globalThis (its `setTimeout` and `clearTimeout`, looked up at each call)
   * @example
   * ```ts
   * declare const clock: Timers & { now(): number }; // a test clock, e.g. from @sinonjs/fake-timers
   * createTokenVault({ fetchToken, now: clock.now, timers: clock });
   * ```
   */
  timers?: Timers;
}

/** Options after validation and defaults. */
export interface ResolvedOptions {
  fetchToken: FetchToken;
  name: string;
  lifetimeMs: number | undefined;
  refreshWindowMs: number | undefined;
  expiryMarginMs: number | undefined;
  keepFresh: boolean;
  refreshTimeoutMs: number;
  retry: RetryPolicy | false;
  store: TokenStore | undefined;
  revokeToken: TokenVaultOptions['revokeToken'];
  dpop: Dpop | undefined;
  now: () => number;
  timers: Timers;
}

/** The defaults (options without one stay `undefined`; `fetchToken` is required). */
const DEFAULTS: Partial<ResolvedOptions> = {
  name: 'default',
  keepFresh: false,
  refreshTimeoutMs: 30_000,
  retry: DEFAULT_RETRY,
  now: () => Date.now(),
  timers: globalThis,
};

const isFunction: OptionRule = [(value) => typeof value === 'function', 'a function'];
/** A duration: positive (a lifetime, a timeout) or non-negative (a window, a margin, a delay). */
const POSITIVE_MS: OptionRule = [
  (value) => Number.isFinite(value) && (value as number) > 0,
  'a positive finite number of ms',
];
const NON_NEGATIVE_MS: OptionRule = [
  (value) => Number.isFinite(value) && (value as number) >= 0,
  'a non-negative finite number of ms',
];

const RULES: Record<keyof TokenVaultOptions, OptionRule> = {
  fetchToken: isFunction,
  name: [(value) => typeof value === 'string' && value !== '', 'a non-empty string'],
  lifetimeMs: POSITIVE_MS,
  refreshWindowMs: NON_NEGATIVE_MS,
  expiryMarginMs: NON_NEGATIVE_MS,
  keepFresh: [(value) => typeof value === 'boolean', 'a boolean'],
  refreshTimeoutMs: POSITIVE_MS,
  retry: [(value) => value === false || isObject(value), 'false or an object'],
  store: [
    (value) =>
      isObject(value) && ['get', 'withLock', 'delete'].every((method) => typeof value[method] === 'function'),
    'a TokenStore (get, withLock, delete)',
  ],
  revokeToken: isFunction,
  dpop: [(value) => typeof (value as Dpop | null)?.proof === 'function', 'a DPoP handle from createDpop()'],
  now: isFunction,
  timers: [(value) => typeof (value as Timers | null)?.setTimeout === 'function', 'timers like globalThis'],
};

const RETRY_RULES: Record<keyof RetryOptions, OptionRule> = {
  retries: [(value) => Number.isInteger(value) && (value as number) >= 0, 'a non-negative integer'],
  baseDelayMs: NON_NEGATIVE_MS,
  maxDelayMs: NON_NEGATIVE_MS,
};

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

/** `given` without its `undefined` options, over `defaults`. */
function withDefaults<T>(given: object, defaults: object): T {
  const resolved: Record<string, unknown> = { ...defaults };
  for (const [key, value] of Object.entries(given)) if (value !== undefined) resolved[key] = value;
  return resolved as T;
}

/** Validate options and apply defaults; throws a `TypeError` naming the first invalid option. */
export function resolveOptions(options: TokenVaultOptions): ResolvedOptions {
  const api = 'createTokenVault';
  checkOptions(api, options, RULES);
  if (options.fetchToken === undefined) invalidOption(api, 'fetchToken', 'a function', undefined);
  const resolved = withDefaults<ResolvedOptions>(options, DEFAULTS);
  if (resolved.retry) {
    checkOptions(api, resolved.retry, RETRY_RULES, 'retry.');
    resolved.retry = withDefaults(resolved.retry, DEFAULT_RETRY);
  }
  return resolved;
}
