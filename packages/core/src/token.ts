/**
 * Token normalisation: what `fetchToken` may return, and the frozen `Token` the vault hands out.
 */
import { TokenRefreshError } from './errors.js';
import { headerValueFault } from './headerValue.js';
import { REDACTED } from './redact.js';

/**
 * What `fetchToken` may resolve to (besides a bare access-token string).
 *
 * The OAuth 2.0 wire format is accepted as well: `access_token`, `expires_in`, `token_type` and
 * `refresh_token` are read when their camelCase field is absent (camelCase wins when both are
 * present), so the JSON body of a token response can be returned as is.
 *
 * What is refused (the refresh fails with a final `TokenRefreshError`, nothing is cached):
 * - an `accessToken` or `tokenType` that cannot be sent in a header: empty, with CR, LF, NUL or
 *   another control character, outside visible ASCII, or with a space inside
 *   (`code: 'invalid_token_value'`; the message names the field, never the value);
 * - an `expiresIn`, `expiresAt` or `refreshIn` that is not a finite, non-negative number (or
 *   numeric string): `Infinity`, `NaN`, `-1`, `'soon'`.
 *
 * What is clamped: a finite expiry later than the latest time a `Date` can hold (8.64e15 ms
 * after 1970, in the year 275760; e.g. `expiresIn: 1e308`) becomes that time, so the token
 * never expires in practice and `String(token)` still works.
 *
 * @example
 * ```ts
 * const response: TokenResponse = { accessToken: 'eyJ…', expiresIn: 3600 };
 * ```
 */
export interface TokenResponse {
  /** The access token. Required, non-empty. */
  accessToken: string;
  /**
   * Lifetime in SECONDS, as OAuth 2.0 sends it; measured from when the request was sent.
   * @default undefined (then `lifetimeMs`, else no expiry)
   */
  expiresIn?: number;
  /**
   * Absolute expiry, epoch milliseconds. Wins over `expiresIn`.
   * @default undefined
   */
  expiresAt?: number;
  /**
   * Scheme for the `Authorization` header.
   * @default 'Bearer'
   */
  tokenType?: string;
  /**
   * A refresh token, if the grant returned one.
   * @default undefined
   */
  refreshToken?: string;
  /**
   * Server hint: refresh after this many SECONDS (starts the soft window early).
   * @default undefined (the soft window is `refreshWindowMs`)
   */
  refreshIn?: number;
  /**
   * The raw response, kept on `Token.raw` (hidden from `toJSON` and `inspect`).
   * @default undefined
   */
  raw?: unknown;
}

/**
 * A token endpoint's JSON body in the OAuth 2.0 wire format (RFC 6749 §5.1), accepted wherever a
 * {@link TokenResponse} is (`fetchToken`'s result, `vault.setTokens`): `access_token`,
 * `expires_in` (seconds), `token_type`, `refresh_token`. Other fields (`scope`, `id_token`, …)
 * are ignored.
 *
 * @example
 * ```ts
 * import type { OAuthTokenResponse } from '@tokvault/core';
 *
 * const body: OAuthTokenResponse = { access_token: 'eyJ…', token_type: 'Bearer', expires_in: 3600 };
 * ```
 */
export interface OAuthTokenResponse {
  /** The access token. Required, non-empty. */
  access_token: string;
  /**
   * Lifetime in seconds.
   * @default undefined (then `lifetimeMs`, else no expiry)
   */
  expires_in?: number | string | undefined;
  /**
   * Header scheme.
   * @default 'Bearer'
   */
  token_type?: string | undefined;
  /**
   * A refresh token.
   * @default undefined
   */
  refresh_token?: string | undefined;
  /** Any other field of the response (ignored). */
  [field: string]: unknown;
}

/**
 * The normalised, frozen token. Its `toJSON`, `toString` and `util.inspect` forms hide secrets.
 *
 * @example
 * ```ts
 * const token = await vault.getToken();
 * headers.set('Authorization', `${token.tokenType} ${token.accessToken}`);
 * ```
 */
export interface Token {
  /** The access token. */
  readonly accessToken: string;
  /** Header scheme, `Bearer` unless the server said otherwise. */
  readonly tokenType: string;
  /** Epoch ms after which the token is invalid; `undefined` = no known expiry. */
  readonly expiresAt: number | undefined;
  /**
   * Epoch ms at which a server hint asks for a refresh (`refreshIn`).
   * @default undefined
   */
  readonly refreshAt?: number | undefined;
  /**
   * The refresh token, if any.
   * @default undefined
   */
  readonly refreshToken?: string | undefined;
  /**
   * The raw `fetchToken` result (not enumerable: hidden from `toJSON`, `inspect` and spreads).
   * @default undefined
   */
  readonly raw?: unknown;
}

/** The token without its secrets (`raw` is not enumerable, so it is left out too). */
function redacted(token: Token): object {
  return {
    ...token,
    accessToken: REDACTED,
    ...(token.refreshToken !== undefined && { refreshToken: REDACTED }),
  };
}

const tokenPrototype = {
  toJSON(this: Token) {
    return redacted(this);
  },
  toString(this: Token) {
    const date = new Date(this.expiresAt ?? Number.NaN);
    const expiry =
      this.expiresAt === undefined
        ? 'no expiry'
        : Number.isNaN(date.getTime())
          ? 'invalid expiry'
          : date.toISOString();
    return `Token(${this.tokenType}, ${expiry})`;
  },
  [Symbol.for('nodejs.util.inspect.custom')](this: Token) {
    return redacted(this);
  },
};

/**
 * Fields accepted by {@link createToken}.
 *
 * @example
 * ```ts
 * const init: TokenInit = { accessToken: 'abc', tokenType: 'Bearer' }; // no expiry
 * ```
 */
export type TokenInit = Omit<Token, 'expiresAt'> & { readonly expiresAt?: number | undefined };

/** The latest time a `Date` can hold, epoch ms: later expiries are clamped to it. */
export const MAX_TIME_MS = 8.64e15;

/**
 * Build a frozen {@link Token} (only the known fields are kept; `undefined` ones are omitted).
 * `expiresAt` and `refreshAt` later than the latest `Date` (8.64e15 ms) are clamped to it.
 *
 * @example
 * ```ts
 * const token = createToken({ accessToken: 'abc', tokenType: 'Bearer', expiresAt: Date.now() + 60_000 });
 * JSON.stringify(token); // {"accessToken":"[redacted]","tokenType":"Bearer","expiresAt":…}
 * ```
 */
export function createToken(init: TokenInit): Token {
  const { accessToken, tokenType, expiresAt, refreshAt, refreshToken, raw } = init;
  const token: Record<string, unknown> = Object.create(tokenPrototype, { raw: { value: raw } });
  Object.assign(token, { accessToken, tokenType, expiresAt: clampTime(expiresAt) });
  if (refreshAt !== undefined) token.refreshAt = clampTime(refreshAt);
  if (refreshToken !== undefined) token.refreshToken = refreshToken;
  return Object.freeze(token) as unknown as Token;
}

const clampTime = <T extends number | undefined>(time: T): T =>
  (time !== undefined && time > MAX_TIME_MS ? MAX_TIME_MS : time) as T;

/** The OAuth 2.0 wire names of the `TokenResponse` fields, read when the camelCase one is absent. */
const WIRE_NAMES: Record<string, string> = {
  accessToken: 'access_token',
  expiresIn: 'expires_in',
  tokenType: 'token_type',
  refreshToken: 'refresh_token',
};

/**
 * What is wrong with an `accessToken` or `tokenType` as a header word (never the value), or
 * `undefined` if it can be sent.
 */
export function tokenFault(token: { accessToken: unknown; tokenType: unknown }): string | undefined {
  for (const key of ['accessToken', 'tokenType'] as const) {
    const fault = headerValueFault(token[key], true);
    if (fault) return `"${key}" cannot be sent in a header (${fault})`;
  }
  return undefined;
}

/**
 * Normalise what `fetchToken` returned. `sentAt` is when the token request was SENT: relative
 * lifetimes (`expiresIn`, `refreshIn`) count from then, so network latency never extends a token.
 * Throws a non-retryable {@link TokenRefreshError} describing what was wrong (never the secret).
 */
export function normalizeToken(
  result: unknown,
  sentAt: number,
  lifetimeMs: number | undefined,
  vaultName: string,
): Token {
  const fail = (what: string, code?: string): never => {
    throw new TokenRefreshError(`fetchToken for vault "${vaultName}" returned a malformed token: ${what}`, {
      retryable: false,
      code,
    });
  };
  // A bare string is an opaque access token.
  const response = typeof result === 'string' ? { accessToken: result } : result;
  if (typeof response !== 'object' || response === null || Array.isArray(response)) {
    return fail(
      `expected a string or a TokenResponse object (got ${response === null ? 'null' : typeof response})`,
    );
  }
  const record = response as Record<string, unknown>;
  /** The field, or its wire name's when absent (`null` counts as absent: some servers send it). */
  const field = (key: string): unknown => record[key] ?? record[WIRE_NAMES[key] ?? key] ?? undefined;
  /** A string, or `undefined` if absent. */
  const string = (key: string): string | undefined => {
    const value = field(key);
    if (value === undefined || typeof value === 'string') return value;
    return fail(`"${key}" must be a non-empty string`);
  };
  /** A non-negative number (numeric strings accepted), or `undefined` if absent. */
  const number = (key: string): number | undefined => {
    const value = field(key);
    const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
    if (n === undefined || (Number.isFinite(n) && (n as number) >= 0)) return n as number | undefined;
    return fail(`"${key}" must be a non-negative number (got ${typeof value})`);
  };
  /** `sentAt` plus a lifetime in SECONDS read from `key`, or in ms from `fallbackMs`. */
  const after = (key: string, fallbackMs?: number): number | undefined => {
    const seconds = number(key);
    const ms = seconds === undefined ? fallbackMs : seconds * 1000;
    return ms === undefined ? undefined : sentAt + ms;
  };
  const accessToken = string('accessToken') ?? fail('"accessToken" (or "access_token") is missing');
  const type = string('tokenType');
  // OAuth servers often send `bearer`; headers use the canonical `Bearer`.
  const tokenType = type === undefined || type.toLowerCase() === 'bearer' ? 'Bearer' : type;
  const fault = tokenFault({ accessToken, tokenType });
  if (fault) fail(fault, 'invalid_token_value');
  const relativeExpiry = after('expiresIn', lifetimeMs);
  const refreshToken = string('refreshToken');
  if (refreshToken === '') fail('"refreshToken" must be a non-empty string');
  return createToken({
    accessToken,
    tokenType,
    expiresAt: number('expiresAt') ?? relativeExpiry,
    refreshAt: after('refreshIn'),
    refreshToken,
    raw: field('raw'),
  });
}
