/**
 * How a request whose refresh failed rejects: with the vault's `TokenRefreshError`, plus a way
 * back to that request's own `AxiosError` (the original 401).
 */
import { TokenRefreshError } from '@tokvault/core';
import type { AxiosError } from 'axios';

const ORIGINAL = Symbol();

type WithOriginal = TokenRefreshError & { readonly [ORIGINAL]?: AxiosError };

/**
 * The vault's error, seen from one request. Every request that waited on a failed refresh gets
 * its own view whose prototype IS the vault's shared error: `instanceof` (also for
 * `RefreshTimeoutError`), `name`, `message`, `stack`, `cause`, `retryable`, `code` and
 * `retryAfterMs` all read through to it; the view adds only the request's `AxiosError`
 * (non-enumerable), which {@link getAxiosError} returns. Other errors (e.g. `VaultClosedError`)
 * pass through unchanged.
 */
export function refreshFailure(vaultError: unknown, original: AxiosError): unknown {
  return vaultError instanceof TokenRefreshError
    ? Object.create(vaultError, { [ORIGINAL]: { value: original } })
    : vaultError;
}

/**
 * The original `AxiosError` (the 401 and its `response`) of a request that rejected with a
 * `TokenRefreshError` because the refresh it waited on failed; `undefined` for any other value.
 * `error.cause` is the token source's own error.
 *
 * @example
 * ```ts
 * try {
 *   await api.get('/me');
 * } catch (error) {
 *   if (error instanceof TokenRefreshError) {
 *     console.log(error.cause);                         // why the token endpoint failed
 *     console.log(getAxiosError(error)?.response?.status); // 401: why a refresh was needed
 *   }
 * }
 * ```
 */
export function getAxiosError(error: unknown): AxiosError | undefined {
  return error instanceof TokenRefreshError ? (error as WithOriginal)[ORIGINAL] : undefined;
}
