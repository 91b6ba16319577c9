/**
 * A request to the authorization server that got no response (refused, reset, DNS, TLS): a
 * retryable `TokenRefreshError` that says why at the top.
 */
import { TokenRefreshError } from '../errors.js';
import { redact } from '../redact.js';

/**
 * The messages down a cause chain, outermost first, e.g. `fetch failed: connect ECONNREFUSED
 * 127.0.0.1:9` for undici, which keeps the reason two causes deep (an `AggregateError` without a
 * message gives its errors' messages, or its `code`).
 */
export function reasonOf(error: unknown): string {
  const parts: string[] = [];
  for (let e = error, depth = 0; e != null && depth < 5; depth++) {
    const { message, code, errors, cause } = Object(e) as Record<string, unknown>;
    let text = typeof e === 'string' ? e : typeof message === 'string' ? message : '';
    if (!text && Array.isArray(errors)) {
      text = [...new Set(errors.map((inner) => String(Object(inner).message ?? '')))]
        .filter(Boolean)
        .join('; ');
    }
    if (!text && typeof code === 'string') text = code;
    if (text && !parts.includes(text)) parts.push(text);
    e = cause;
  }
  const reason = parts.join(': ') || 'no details';
  return reason.length > 300 ? `${reason.slice(0, 300)}…` : reason;
}

/**
 * The error for a `what` (`token request to https://…/token`) whose `fetch` rejected with
 * `error`: `network_error`, retryable, the reason from the whole cause chain in the message, and a
 * redacted copy of `error` as `cause` (`secrets` and the credentials it carries are removed).
 */
export function networkError(
  what: string,
  error: unknown,
  secrets: ReadonlyArray<string | undefined>,
): TokenRefreshError {
  const cause = redact(error, secrets);
  return new TokenRefreshError(`${what} failed: network error (${reasonOf(cause)})`, {
    cause,
    retryable: true,
    code: 'network_error',
  });
}
