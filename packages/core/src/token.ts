/**
 * Token normalisation: what `fetchToken` may return, and the frozen `Token` the vault hands out.
 */
import { TokenRefreshError } from './errors.js';

/**
 * What `fetchToken` may resolve to (besides a bare access-token string).
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

const REDACTED = '[redacted]';

function publicView(token: Token): Record<string, unknown> {
  return {
    tokenType: token.tokenType,
    expiresAt: token.expiresAt,
    accessToken: REDACTED,
    ...(token.refreshToken !== undefined ? { refreshToken: REDACTED } : {}),
  };
}

const tokenPrototype = {
  toJSON(this: Token) {
    return publicView(this);
  },
  toString(this: Token) {
    const expiry = this.expiresAt === undefined ? 'no expiry' : new Date(this.expiresAt).toISOString();
    return `Token(${this.tokenType}, ${expiry})`;
  },
  [Symbol.for('nodejs.util.inspect.custom')](this: Token) {
    return { ...publicView(this), [Symbol.toStringTag]: 'Token' };
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

/**
 * Build a frozen {@link Token} (only the known fields are kept; `undefined` ones are omitted).
 *
 * @example
 * ```ts
 * const token = createToken({ accessToken: 'abc', tokenType: 'Bearer', expiresAt: Date.now() + 60_000 });
 * JSON.stringify(token); // {"tokenType":"Bearer","expiresAt":…,"accessToken":"[redacted]"}
 * ```
 */
export function createToken(init: TokenInit): Token {
  const token = Object.create(tokenPrototype) as Record<string, unknown>;
  token.accessToken = init.accessToken;
  token.tokenType = init.tokenType;
  token.expiresAt = init.expiresAt;
  if (init.refreshAt !== undefined) token.refreshAt = init.refreshAt;
  if (init.refreshToken !== undefined) token.refreshToken = init.refreshToken;
  if (init.raw !== undefined) Object.defineProperty(token, 'raw', { value: init.raw, enumerable: false });
  return Object.freeze(token) as unknown as Token;
}

function fail(vaultName: string, what: string): never {
  throw new TokenRefreshError(`fetchToken for vault "${vaultName}" returned a malformed token: ${what}`, {
    retryable: false,
  });
}

function toFiniteNumber(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value === 'string' && value.trim() !== '') {
    const n = Number(value);
    return Number.isFinite(n) ? n : undefined;
  }
  return undefined;
}

function optionalNumber(vaultName: string, response: Record<string, unknown>, key: string) {
  const value = response[key];
  if (value === undefined || value === null) return undefined;
  const n = toFiniteNumber(value);
  if (n === undefined || n < 0)
    fail(vaultName, `"${key}" must be a non-negative number (got ${typeof value})`);
  return n;
}

function optionalString(vaultName: string, response: Record<string, unknown>, key: string) {
  const value = response[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' || value === '') fail(vaultName, `"${key}" must be a non-empty string`);
  return value;
}

/** OAuth servers often send `bearer`; headers use the canonical `Bearer`. */
function canonicalType(type: string | undefined): string {
  return type === undefined || type.toLowerCase() === 'bearer' ? 'Bearer' : type;
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
  if (typeof result === 'string') {
    if (result === '') fail(vaultName, 'the access token string is empty');
    return createToken({
      accessToken: result,
      tokenType: 'Bearer',
      expiresAt: lifetimeMs === undefined ? undefined : sentAt + lifetimeMs,
    });
  }
  if (typeof result !== 'object' || result === null || Array.isArray(result)) {
    fail(
      vaultName,
      `expected a string or a TokenResponse object (got ${result === null ? 'null' : typeof result})`,
    );
  }
  const response = result as Record<string, unknown>;
  if (typeof response.accessToken !== 'string' || response.accessToken === '') {
    fail(vaultName, '"accessToken" is missing or not a non-empty string');
  }
  const expiresIn = optionalNumber(vaultName, response, 'expiresIn');
  const expiresAtField = optionalNumber(vaultName, response, 'expiresAt');
  const refreshIn = optionalNumber(vaultName, response, 'refreshIn');
  let expiresAt: number | undefined;
  if (expiresAtField !== undefined) expiresAt = expiresAtField;
  else if (expiresIn !== undefined) expiresAt = sentAt + expiresIn * 1000;
  else if (lifetimeMs !== undefined) expiresAt = sentAt + lifetimeMs;
  return createToken({
    accessToken: response.accessToken,
    tokenType: canonicalType(optionalString(vaultName, response, 'tokenType')),
    expiresAt,
    refreshAt: refreshIn === undefined ? undefined : sentAt + refreshIn * 1000,
    refreshToken: optionalString(vaultName, response, 'refreshToken'),
    raw: response.raw,
  });
}
