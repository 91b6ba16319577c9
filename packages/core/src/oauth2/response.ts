/**
 * Reading token endpoint responses: RFC 6749 §5.1 success bodies, §5.2 error bodies and their
 * classification, and `Retry-After` (RFC 9110 §10.2.3).
 */
import { TokenRefreshError } from '../errors.js';
import { redactText } from '../redact.js';
import type { TokenResponse } from '../token.js';

/**
 * What the token endpoint said when it refused (the `cause` of the `TokenRefreshError`).
 * Secrets the source knows are redacted from `error`, `errorDescription` and `errorUri`.
 *
 * @example
 * ```ts
 * if (error instanceof TokenRefreshError && error.code === 'invalid_grant') await logout();
 * ```
 */
export interface OAuth2ErrorResponse {
  /** HTTP status. */
  readonly status: number;
  /** The RFC 6749 §5.2 `error` code, if the body had one. */
  readonly error: string | undefined;
  /** `error_description`, if any (redacted, at most 300 characters). */
  readonly errorDescription: string | undefined;
  /** `error_uri`, if any (redacted, at most 300 characters). */
  readonly errorUri: string | undefined;
}

/** Codes that retrying cannot fix: the client or the grant must change. */
const FINAL_CODES = new Set([
  'invalid_request',
  'invalid_client',
  'invalid_grant',
  'unauthorized_client',
  'unsupported_grant_type',
  'invalid_scope',
]);

/**
 * `Retry-After` as milliseconds from `now`: delay-seconds or an HTTP date; `undefined` if absent
 * or invalid. A date in the past gives `0`.
 *
 * @example
 * ```ts
 * parseRetryAfter('120', Date.now()); // 120000
 * parseRetryAfter('Wed, 21 Oct 2015 07:28:00 GMT', Date.parse('Wed, 21 Oct 2015 07:27:00 GMT')); // 60000
 * ```
 */
export function parseRetryAfter(value: string | null, now: number): number | undefined {
  if (value === null) return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  // An HTTP date names a day or month (RFC 9110 §5.6.7); bare numbers like "-5" are not dates.
  if (!/[A-Za-z]{3}/.test(text)) return undefined;
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** A server-provided text: known secrets redacted, control characters dropped, at most 300 characters. */
function serverText(
  text: string | undefined,
  secrets: ReadonlyArray<string | undefined>,
): string | undefined {
  if (text === undefined) return undefined;
  // biome-ignore lint/suspicious/noControlCharactersInRegex: stripping control characters is the point
  const out = redactText(text, secrets).replace(/[\u0000-\u001f\u007f]/g, ' ');
  return out.length > 300 ? `${out.slice(0, 300)}…` : out;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function stringField(body: Record<string, unknown>, key: string): string | undefined {
  const value = body[key];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** Turn an error response into a classified `TokenRefreshError`. */
export function errorFromResponse(
  where: string,
  response: Response,
  text: string,
  secrets: ReadonlyArray<string | undefined>,
  now: number,
): TokenRefreshError {
  const body = parseJson(text);
  const fields = isRecord(body) ? body : {};
  const error = stringField(fields, 'error');
  const description = stringField(fields, 'error_description');
  const cause: OAuth2ErrorResponse = Object.freeze({
    status: response.status,
    error: serverText(error, secrets),
    errorDescription: serverText(description, secrets),
    errorUri: serverText(stringField(fields, 'error_uri'), secrets),
  });
  const { status } = response;
  const transient = status === 408 || status === 425 || status === 429 || status >= 500;
  const retryable = transient && !(error !== undefined && FINAL_CODES.has(error));
  const detail = [cause.error, cause.errorDescription].filter(Boolean).join(': ');
  return new TokenRefreshError(`token endpoint ${where} answered ${status}${detail ? ` (${detail})` : ''}`, {
    cause,
    retryable,
    code: cause.error,
    retryAfterMs: retryable ? parseRetryAfter(response.headers.get('Retry-After'), now) : undefined,
  });
}

function malformed(where: string, what: string): TokenRefreshError {
  return new TokenRefreshError(`token endpoint ${where} sent a malformed token response: ${what}`, {
    retryable: false,
    code: 'malformed_response',
  });
}

function seconds(value: unknown): number | undefined | false {
  if (value === undefined || value === null) return undefined;
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  return typeof n === 'number' && Number.isFinite(n) && n >= 0 ? n : false;
}

/** Parse an RFC 6749 §5.1 success body into a `TokenResponse` (`expires_in` is seconds). */
export function tokenFromResponse(where: string, text: string): TokenResponse {
  const body = parseJson(text);
  if (body === undefined) throw malformed(where, 'the body is not JSON');
  if (!isRecord(body)) throw malformed(where, 'the body is not a JSON object');
  const accessToken = body.access_token;
  if (typeof accessToken !== 'string' || accessToken === '') {
    throw malformed(where, '"access_token" is missing or not a non-empty string');
  }
  const expiresIn = seconds(body.expires_in);
  if (expiresIn === false) throw malformed(where, '"expires_in" is not a non-negative number of seconds');
  const tokenType = body.token_type;
  if (tokenType !== undefined && (typeof tokenType !== 'string' || tokenType === '')) {
    throw malformed(where, '"token_type" is not a non-empty string');
  }
  const refreshToken = body.refresh_token;
  if (
    refreshToken !== undefined &&
    refreshToken !== null &&
    (typeof refreshToken !== 'string' || refreshToken === '')
  ) {
    throw malformed(where, '"refresh_token" is not a non-empty string');
  }
  const response: TokenResponse = { accessToken, raw: body };
  if (expiresIn !== undefined) response.expiresIn = expiresIn;
  if (tokenType !== undefined) response.tokenType = tokenType;
  if (typeof refreshToken === 'string') response.refreshToken = refreshToken;
  return response;
}
