/**
 * The error a caller sees when Redis cannot be used and the policy does not allow going on.
 */
import { TokenRefreshError } from '@tokvault/core';

/**
 * The `code` of the `TokenRefreshError` thrown when Redis is down or slow and the store cannot go
 * on: any read or lock under `policy: 'fail-closed'` without a valid cached token, and `delete`.
 *
 * @example
 * ```ts
 * if (error instanceof TokenRefreshError && error.code === STORE_UNAVAILABLE) alertOps();
 * ```
 */
export const STORE_UNAVAILABLE = 'store_unavailable';

/** Build the store-unavailable error; its message names the key, never a token. */
export function unavailable(what: string, key: string, error: unknown, closed = true): TokenRefreshError {
  const why = error instanceof Error ? error.message : 'unknown error';
  const policy = closed ? '; policy "fail-closed" never refreshes without the shared lock' : '';
  return new TokenRefreshError(`Redis token store could not ${what} "${key}": ${why}${policy}`, {
    cause: error,
    retryable: true,
    code: STORE_UNAVAILABLE,
  });
}
