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

/**
 * The `code` of the `TokenRefreshError` a refresh rejects with when this process lost the Redis
 * lock while it ran (another process took it over, or Redis could not confirm the lease under
 * `'fail-closed'`): the refresh was abandoned. Retryable: the next call tries again.
 *
 * @example
 * ```ts
 * if (error instanceof TokenRefreshError && error.code === LOCK_LOST) metrics.increment('token.lock_lost');
 * ```
 */
export const LOCK_LOST = 'lock_lost';

/**
 * The `code` of the `TokenRefreshError` every call of a closed store rejects with (not retryable:
 * a closed store stays closed).
 *
 * @example
 * ```ts
 * function onRefreshError(error: unknown): void {
 *   if (error instanceof TokenRefreshError && error.code === STORE_CLOSED) return; // shutting down
 *   throw error;
 * }
 * ```
 */
export const STORE_CLOSED = 'store_closed';

/** The lock-lost error; its message names the lock key, never a token. */
export function lockLost(lock: string, why: string): TokenRefreshError {
  return new TokenRefreshError(`Redis lock "${lock}" was lost (${why}); the refresh was abandoned`, {
    retryable: true,
    code: LOCK_LOST,
  });
}

/** The error of every call on a closed store. */
export function storeClosed(): TokenRefreshError {
  return new TokenRefreshError('Redis token store is closed', { retryable: false, code: STORE_CLOSED });
}

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
