/**
 * Vault options, their defaults and their validation.
 */
import type { RefreshReason } from './events.js';
import { DEFAULT_RETRY, type RetryOptions, type RetryPolicy } from './retry.js';
import type { TokenStore } from './store.js';
import type { Token, TokenResponse } from './token.js';

/**
 * What the vault passes to `fetchToken`.
 *
 * @example
 * ```ts
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
export type FetchToken = (context: FetchTokenContext) => Promise<TokenResponse | string>;

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
   * Clock, epoch ms. Inject for tests.
   * @default Date.now
   */
  now?: () => number;
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
  retry: RetryPolicy | undefined;
  store: TokenStore | undefined;
  now: () => number;
}

function invalid(option: string, expected: string, value: unknown): never {
  const got = value === null ? 'null' : typeof value === 'number' ? String(value) : typeof value;
  throw new TypeError(`createTokenVault: option "${option}" must be ${expected} (got ${got})`);
}

function duration(option: string, value: unknown, positive: boolean): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || (positive && value === 0)) {
    invalid(
      option,
      positive ? 'a positive finite number of ms' : 'a non-negative finite number of ms',
      value,
    );
  }
  return value;
}

const OPTION_NAMES: ReadonlyArray<keyof TokenVaultOptions> = [
  'fetchToken',
  'name',
  'lifetimeMs',
  'refreshWindowMs',
  'expiryMarginMs',
  'keepFresh',
  'refreshTimeoutMs',
  'retry',
  'store',
  'now',
];
const RETRY_OPTION_NAMES: ReadonlyArray<keyof RetryOptions> = ['retries', 'baseDelayMs', 'maxDelayMs'];

/** A misspelt option would otherwise be ignored silently. */
function rejectUnknown(object: object, known: readonly string[], prefix: string): void {
  for (const key of Object.keys(object)) {
    if (!known.includes(key)) {
      throw new TypeError(`createTokenVault: unknown option "${prefix}${key}" (known: ${known.join(', ')})`);
    }
  }
}

function resolveRetry(value: unknown): RetryPolicy | undefined {
  if (value === false) return undefined;
  if (value === undefined) return DEFAULT_RETRY;
  if (typeof value !== 'object' || value === null) invalid('retry', 'false or an object', value);
  const retry = value as RetryOptions;
  rejectUnknown(retry, RETRY_OPTION_NAMES, 'retry.');
  const retries = retry.retries ?? DEFAULT_RETRY.retries;
  if (!Number.isInteger(retries) || retries < 0) invalid('retry.retries', 'a non-negative integer', retries);
  const policy: RetryPolicy = {
    retries,
    baseDelayMs: duration('retry.baseDelayMs', retry.baseDelayMs, false) ?? DEFAULT_RETRY.baseDelayMs,
    maxDelayMs: duration('retry.maxDelayMs', retry.maxDelayMs, false) ?? DEFAULT_RETRY.maxDelayMs,
  };
  return policy;
}

function resolveStore(value: unknown): TokenStore | undefined {
  if (value === undefined) return undefined;
  const store = value as Partial<TokenStore> | null;
  const ok =
    typeof store === 'object' &&
    store !== null &&
    typeof store.get === 'function' &&
    typeof store.withLock === 'function' &&
    typeof store.delete === 'function';
  if (!ok) invalid('store', 'a TokenStore (get, withLock, delete)', value);
  return store as TokenStore;
}

/** Validate options; throws a `TypeError` naming the first invalid option. */
export function resolveOptions(options: TokenVaultOptions): ResolvedOptions {
  if (typeof options !== 'object' || options === null) invalid('options', 'an object', options);
  rejectUnknown(options, OPTION_NAMES, '');
  const { fetchToken, name = 'default', keepFresh = false, now = () => Date.now() } = options;
  if (typeof fetchToken !== 'function') invalid('fetchToken', 'a function', fetchToken);
  if (typeof name !== 'string' || name === '') invalid('name', 'a non-empty string', name);
  if (typeof keepFresh !== 'boolean') invalid('keepFresh', 'a boolean', keepFresh);
  if (typeof now !== 'function') invalid('now', 'a function', now);
  return {
    fetchToken,
    name,
    keepFresh,
    now,
    lifetimeMs: duration('lifetimeMs', options.lifetimeMs, true),
    refreshWindowMs: duration('refreshWindowMs', options.refreshWindowMs, false),
    expiryMarginMs: duration('expiryMarginMs', options.expiryMarginMs, false),
    refreshTimeoutMs: duration('refreshTimeoutMs', options.refreshTimeoutMs, true) ?? 30_000,
    retry: resolveRetry(options.retry),
    store: resolveStore(options.store),
  };
}
