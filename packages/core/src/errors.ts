/**
 * Error hierarchy. `instanceof` works even when an app loads both the ESM and the CJS build of
 * this package: each class puts its `name` on its prototype (as built-in errors do) together
 * with a global-symbol brand for that name, which instances of it and of its subclasses inherit
 * from any copy of this module.
 */

/**
 * Where each error `code` is explained: `docs/troubleshooting.md` has one `### <code>` heading per
 * code, so `#<code>` is a stable link to it (the codes are lower case, as GitHub's anchors are).
 * The full URL costs 65-75 B gzipped in the main entry; no shorter form is still a link.
 */
const TROUBLESHOOTING = 'https://github.com/tokvault/tokvault/blob/main/docs/troubleshooting.md#';

/** The global symbol that brands the class named `name` and its subclasses. */
const brandOf = (name: string): symbol => Symbol.for(`tokvault.error.${name}`);

/** Name and brand a class (called from its static block). */
function brand(errorClass: { prototype: Error }, name: string): void {
  errorClass.prototype.name = name;
  Object.defineProperty(errorClass.prototype, brandOf(name), { value: true });
}

/**
 * `instanceof` for the error classes: true for errors from any copy of this module (ESM and
 * CJS builds in one app) through the class's global brand. A user subclass inherits its parent's
 * name, so it gets the ordinary prototype-chain check: a plain `TokenRefreshError` is not an
 * instance of `class LoginRequired extends TokenRefreshError`.
 */
function isInstance(errorClass: { prototype: Error }, value: unknown): boolean {
  const own = brandOf(errorClass.prototype.name);
  if (!Object.hasOwn(errorClass.prototype, own))
    return Function.prototype[Symbol.hasInstance].call(errorClass, value);
  return (value as Record<symbol, unknown> | null | undefined)?.[own] === true;
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
  static {
    // biome-ignore lint/complexity/noThisInStatic: naming the class here makes esbuild rename it.
    brand(this, 'TokVaultError');
  }

  /** Carries this class's brand: also true for errors from another copy of this module. */
  static override [Symbol.hasInstance](value: unknown): boolean {
    // biome-ignore lint/complexity/noThisInStatic: `this` is the class `instanceof` is asked about.
    return isInstance(this, value);
  }

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
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
   * The underlying error (from `fetchToken`, the network or the token endpoint). When the vault
   * or an OAuth 2.0 source wraps an error, this is a redacted copy of it, safe to print: same
   * prototype (so `instanceof` holds), `name`, `code` and data fields, but no secret and no live
   * transport object (see `redact` in `redact.ts`).
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
 * With a `code`, the `message` ends with a link to that code's entry in the troubleshooting guide
 * (`(https://github.com/tokvault/tokvault/blob/main/docs/troubleshooting.md#invalid_grant)`), so
 * `console.log(error)` and `String(error)` show where to read what it means and what to do.
 *
 * Safe to print: no token, refresh token, client secret, client assertion or Basic credential
 * (in any encoding) appears in its `message`, `stack`, `cause` chain, `String()`,
 * `JSON.stringify()`, `util.inspect()` at any depth (without `showHidden`) or `console.log()`.
 * Another error thrown by `fetchToken` becomes the `cause` as a redacted copy (an `AxiosError`
 * keeps its `response.status` and `response.data`, loses `request` and the credentials in
 * `config`); a `TokenRefreshError` thrown by `fetchToken` reaches callers as the same instance,
 * redacted in place (its `message`, `stack`, `cause` and own fields).
 *
 * @example
 * ```ts
 * throw new TokenRefreshError('token endpoint answered 503', { retryable: true, retryAfterMs: 2000 });
 * ```
 */
export class TokenRefreshError extends TokVaultError {
  static {
    // biome-ignore lint/complexity/noThisInStatic: naming the class here makes esbuild rename it.
    brand(this, 'TokenRefreshError');
  }

  /** Whether retrying can help. */
  declare readonly retryable: boolean;
  /** Machine-readable code, e.g. `invalid_grant`. */
  declare readonly code: string | undefined;
  /** How long the server asked to wait before retrying, in ms. */
  declare readonly retryAfterMs: number | undefined;

  constructor(message: string, options: TokenRefreshErrorOptions = {}) {
    // `Error` sets `cause` only when `options` has one.
    super(options.code ? `${message} (${TROUBLESHOOTING}${options.code})` : message, options);
    this.retryable = options.retryable ?? true;
    this.code = options.code;
    this.retryAfterMs = options.retryAfterMs;
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
  static {
    // biome-ignore lint/complexity/noThisInStatic: naming the class here makes esbuild rename it.
    brand(this, 'RefreshTimeoutError');
  }

  constructor(vaultName: string, timeoutMs: number) {
    super(`Token refresh for vault "${vaultName}" timed out after ${timeoutMs} ms`);
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
  static {
    // biome-ignore lint/complexity/noThisInStatic: naming the class here makes esbuild rename it.
    brand(this, 'VaultClosedError');
  }

  constructor(vaultName: string) {
    super(`Token vault "${vaultName}" is closed`);
  }
}
