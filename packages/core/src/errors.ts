/**
 * Error hierarchy. Every class is branded with a global symbol so that `instanceof`
 * works even when an app loads both the ESM and the CJS build of this package.
 */

const BRANDS = Symbol.for('tokvault.error.brands');

type Branded = { [BRANDS]?: ReadonlySet<string> };

function isBranded(value: unknown, brand: string): boolean {
  if (typeof value !== 'object' || value === null) return false;
  const brands = (value as Branded)[BRANDS];
  return brands instanceof Set && brands.has(brand);
}

function brand(target: object, ...names: string[]): void {
  const existing = (target as Branded)[BRANDS];
  const set = new Set(existing ?? []);
  for (const name of names) set.add(name);
  Object.defineProperty(target, BRANDS, { value: set, enumerable: false, configurable: true });
}

/**
 * Base class of every error thrown by tokvault.
 *
 * @example
 * ```ts
 * try { await vault.getToken(); } catch (error) {
 *   if (error instanceof TokVaultError) console.error(error.name, error.message);
 * }
 * ```
 */
export class TokVaultError extends Error {
  /** The brand `instanceof` checks; survives minifiers that rename classes. */
  static readonly brand: string = 'TokVaultError';

  static override [Symbol.hasInstance](value: unknown): boolean {
    // biome-ignore lint/complexity/noThisInStatic: `this` is the class being tested (subclasses override `brand`).
    return isBranded(value, this.brand);
  }

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'TokVaultError';
    brand(this, 'TokVaultError');
  }
}

/**
 * Options of {@link TokenRefreshError}.
 *
 * @example
 * ```ts
 * const options: TokenRefreshErrorOptions = { cause: error, retryable: false, code: 'invalid_grant' };
 * ```
 */
export interface TokenRefreshErrorOptions {
  /**
   * The underlying error (from `fetchToken`, the network or the token endpoint).
   * @default undefined (no `cause` property)
   */
  cause?: unknown;
  /**
   * Whether retrying can help (network error, 429, 5xx).
   * @default true
   */
  retryable?: boolean;
  /**
   * A machine-readable code, e.g. the OAuth 2.0 `error` (`invalid_grant`).
   * @default undefined
   */
  code?: string;
  /**
   * A server's `Retry-After`, in milliseconds; the vault waits exactly this long before retrying.
   * @default undefined (exponential backoff with full jitter)
   */
  retryAfterMs?: number;
}

/**
 * A token refresh failed. Every caller that waited for that refresh rejects with the same
 * instance; the failure is not cached, the next call tries again.
 *
 * @example
 * ```ts
 * throw new TokenRefreshError('token endpoint answered 503', { retryable: true, retryAfterMs: 2000 });
 * ```
 */
export class TokenRefreshError extends TokVaultError {
  static override readonly brand: string = 'TokenRefreshError';

  /** Whether retrying can help. */
  readonly retryable: boolean;
  /** Machine-readable code, e.g. `invalid_grant`. */
  readonly code: string | undefined;
  /** How long the server asked to wait before retrying, in ms. */
  readonly retryAfterMs: number | undefined;

  constructor(message: string, options: TokenRefreshErrorOptions = {}) {
    super(message, 'cause' in options ? { cause: options.cause } : undefined);
    this.name = 'TokenRefreshError';
    this.retryable = options.retryable ?? true;
    this.code = options.code;
    this.retryAfterMs = options.retryAfterMs;
    brand(this, 'TokenRefreshError');
  }
}

/**
 * A refresh took longer than `refreshTimeoutMs`; its `fetchToken` signal was aborted.
 *
 * @example
 * ```ts
 * if (error instanceof RefreshTimeoutError) metrics.increment('token.timeout');
 * ```
 */
export class RefreshTimeoutError extends TokenRefreshError {
  static override readonly brand: string = 'RefreshTimeoutError';

  constructor(vaultName: string, timeoutMs: number) {
    super(`Token refresh for vault "${vaultName}" timed out after ${timeoutMs} ms`, { retryable: true });
    this.name = 'RefreshTimeoutError';
    brand(this, 'RefreshTimeoutError');
  }
}

/**
 * The vault was closed: pending and later calls reject with this error.
 *
 * @example
 * ```ts
 * await vault.close();
 * await vault.getToken(); // rejects with VaultClosedError
 * ```
 */
export class VaultClosedError extends TokVaultError {
  static override readonly brand: string = 'VaultClosedError';

  constructor(vaultName: string) {
    super(`Token vault "${vaultName}" is closed`);
    this.name = 'VaultClosedError';
    brand(this, 'VaultClosedError');
  }
}
