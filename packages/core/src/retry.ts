/**
 * Retry policy for transient refresh failures: exponential backoff with full jitter,
 * honouring a server's `retryAfterMs`.
 */

/**
 * Retry settings.
 *
 * @example
 * ```ts
 * createTokenVault({ fetchToken, retry: { retries: 4, baseDelayMs: 500 } });
 * ```
 */
export interface RetryOptions {
  /**
   * Retries after the first attempt.
   * @default 2
   */
  retries?: number;
  /**
   * Base of the exponential backoff; attempt n waits a random time in [0, base * 2^n].
   * @default 200
   */
  baseDelayMs?: number;
  /**
   * Cap of one backoff delay (a server's `retryAfterMs` is honoured even if larger,
   * bounded by `refreshTimeoutMs`).
   * @default 10000
   */
  maxDelayMs?: number;
}

/** Fully resolved retry settings. */
export type RetryPolicy = Required<RetryOptions>;

/** Defaults of {@link RetryOptions}. */
export const DEFAULT_RETRY: RetryPolicy = { retries: 2, baseDelayMs: 200, maxDelayMs: 10_000 };

/**
 * The one backoff of the vault (fetchToken's retries, and the pause of background refreshes
 * after failures): the delay before retry number `attempt` (0-based), a random time in
 * [0, min(maxDelayMs, baseDelayMs * 2^attempt)] (full jitter), or the server's hint.
 */
export function backoffDelay(
  policy: Pick<RetryPolicy, 'baseDelayMs' | 'maxDelayMs'>,
  attempt: number,
  retryAfterMs?: number,
): number {
  if (retryAfterMs !== undefined && retryAfterMs >= 0) return retryAfterMs;
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt);
  return Math.random() * ceiling;
}
