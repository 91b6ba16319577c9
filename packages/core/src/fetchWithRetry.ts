/**
 * One refresh's calls to `fetchToken`: retries with backoff inside the refresh deadline, and the
 * translation of whatever the source threw into a typed, secret-free error.
 */
import { sleep } from './abort.js';
import { TokenRefreshError, TokVaultError } from './errors.js';
import type { RefreshReason } from './events.js';
import { type Entry, toEntry } from './expiry.js';
import type { ResolvedOptions } from './options.js';
import { redact, redactInPlace } from './redact.js';
import { backoffDelay } from './retry.js';
import { normalizeToken, type Token } from './token.js';

/** What one refresh asks of the source. */
export interface FetchRequest {
  reason: RefreshReason;
  /** The token being replaced (passed to `fetchToken`). */
  previous: Token | undefined;
  /** Aborted by the refresh timeout, `close()`, or a lost store lock. */
  signal: AbortSignal;
  /** Epoch ms after which no retry starts. */
  deadline: number;
}

/**
 * A `TokVaultError` passes through as the same instance, made safe to print in place (see
 * `redactInPlace`); anything else becomes a `TokenRefreshError` whose `cause` is a redacted copy
 * of the original (see `redact`), keeping its `retryable`, `code` and `retryAfterMs`. Either way
 * the secrets of `previous`, and every credential the error graph itself carries (an axios
 * error's Basic header and form body), never appear when the error is printed.
 */
export function toRefreshError(
  error: unknown,
  vaultName: string,
  previous: Token | undefined,
): TokVaultError {
  const secrets = [previous?.accessToken, previous?.refreshToken];
  if (error instanceof TokVaultError) {
    redactInPlace(error, secrets);
    return error;
  }
  const cause = redact(error, secrets);
  const detail =
    cause instanceof Error ? cause.message : `fetchToken threw a non-Error value (${typeof error})`;
  // `Object()` reads the fields of any thrown value, even `null` or a string.
  const { retryable, code, retryAfterMs } = Object(error) as Record<string, unknown>;
  return new TokenRefreshError(`Token refresh for vault "${vaultName}" failed: ${detail}`, {
    cause,
    retryable: retryable !== false,
    code: typeof code === 'string' ? code : undefined,
    retryAfterMs: typeof retryAfterMs === 'number' && retryAfterMs >= 0 ? retryAfterMs : undefined,
  });
}

/**
 * Call `fetchToken` until it yields a well-formed token, retrying retryable failures with
 * backoff while the deadline allows. Resolves the token, timed from when its request was sent.
 */
export async function fetchWithRetry(
  o: ResolvedOptions,
  { reason, previous, signal, deadline }: FetchRequest,
): Promise<Entry> {
  for (let attempt = 0; ; attempt++) {
    const sentAt = o.now();
    try {
      const result = await o.fetchToken({ signal, reason, previous, dpop: o.dpop });
      signal.throwIfAborted();
      return toEntry(normalizeToken(result, sentAt, o.lifetimeMs, o.name), sentAt, o);
    } catch (error) {
      signal.throwIfAborted();
      const failure = toRefreshError(error, o.name, previous);
      const { retry } = o;
      const retryable = failure instanceof TokenRefreshError && failure.retryable;
      if (!retry || !retryable || attempt >= retry.retries) throw failure;
      const delay = backoffDelay(retry, attempt, failure.retryAfterMs);
      if (o.now() + delay >= deadline) throw failure;
      await sleep(delay, signal, o.timers);
    }
  }
}
