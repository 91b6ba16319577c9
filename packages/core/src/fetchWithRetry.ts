/**
 * One refresh's calls to `fetchToken`: retries with backoff inside the refresh deadline, and the
 * translation of whatever the source threw into a typed, secret-free error.
 */
import { sleep } from './abort.js';
import { TokenRefreshError, TokVaultError } from './errors.js';
import type { RefreshReason } from './events.js';
import type { ResolvedOptions } from './options.js';
import { backoffDelay } from './retry.js';
import { normalizeToken, type Token } from './token.js';

const REDACTED = '[redacted]';

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

function redact(text: string, secrets: ReadonlyArray<string | undefined>): string {
  let out = text;
  for (const secret of secrets) if (secret) out = out.split(secret).join(REDACTED);
  return out;
}

/**
 * A `TokVaultError` passes through; anything else becomes a `TokenRefreshError` with the original
 * as `cause`, keeping its `retryable`, `code` and `retryAfterMs`. Known secrets are redacted
 * from the message.
 */
export function toRefreshError(
  error: unknown,
  vaultName: string,
  secrets: ReadonlyArray<string | undefined>,
): TokVaultError {
  if (error instanceof TokVaultError) return error;
  const fields = (typeof error === 'object' && error !== null ? error : {}) as Record<string, unknown>;
  const detail =
    error instanceof Error
      ? redact(error.message, secrets)
      : `fetchToken threw a non-Error value (${typeof error})`;
  const retryAfterMs = fields.retryAfterMs;
  return new TokenRefreshError(`Token refresh for vault "${vaultName}" failed: ${detail}`, {
    cause: error,
    retryable: typeof fields.retryable === 'boolean' ? fields.retryable : true,
    code: typeof fields.code === 'string' ? fields.code : undefined,
    retryAfterMs: typeof retryAfterMs === 'number' && retryAfterMs >= 0 ? retryAfterMs : undefined,
  });
}

/**
 * Call `fetchToken` until it yields a well-formed token, retrying retryable failures with
 * backoff while the deadline allows. Resolves the token and the local time its request was sent.
 */
export async function fetchWithRetry(
  o: ResolvedOptions,
  { reason, previous, signal, deadline }: FetchRequest,
): Promise<{ token: Token; obtainedAt: number }> {
  const secrets = [previous?.accessToken, previous?.refreshToken];
  for (let attempt = 0; ; attempt++) {
    const sentAt = o.now();
    try {
      const result = await o.fetchToken({ signal, reason, previous });
      signal.throwIfAborted();
      return { token: normalizeToken(result, sentAt, o.lifetimeMs, o.name), obtainedAt: sentAt };
    } catch (error) {
      if (signal.aborted) throw signal.reason;
      const failure = toRefreshError(error, o.name, secrets);
      const retry = o.retry;
      const retryable = failure instanceof TokenRefreshError && failure.retryable;
      if (!retry || !retryable || attempt >= retry.retries) throw failure;
      const delay = backoffDelay(retry, attempt, failure.retryAfterMs);
      if (o.now() + delay >= deadline) throw failure;
      await sleep(delay, signal);
    }
  }
}
