/**
 * Authorization server metadata (RFC 8414) and OpenID Connect Discovery: fetched once per
 * source, single-flight, failures not cached, the document's `issuer` checked.
 */
import { abortable } from '../abort.js';
import { TokenRefreshError } from '../errors.js';
import { redact } from '../redact.js';
import { reasonOf } from './networkError.js';
import type { FetchLike } from './options.js';
import { isSecureUrl } from './transport.js';

/**
 * The metadata tokvault reads (other members are kept as they came).
 *
 * @example
 * ```ts
 * const metadata: AuthorizationServerMetadata = await discoverIssuer('https://tenant.eu.auth0.com/');
 * metadata.token_endpoint; // 'https://tenant.eu.auth0.com/oauth/token'
 * ```
 */
export interface AuthorizationServerMetadata {
  /** Equal to the issuer asked for (checked). */
  readonly issuer: string;
  /** The token endpoint. */
  readonly token_endpoint: string;
  /** The authorization endpoint (code flow). */
  readonly authorization_endpoint?: string;
  /** The RFC 7009 revocation endpoint. */
  readonly revocation_endpoint?: string;
  /** Client authentication methods the token endpoint accepts (RFC 8414 default: `client_secret_basic`). */
  readonly token_endpoint_auth_methods_supported?: readonly string[];
  /** Other members. */
  readonly [member: string]: unknown;
}

/**
 * Options of {@link discoverIssuer}.
 *
 * @example
 * ```ts
 * await discoverIssuer(issuer, { signal: AbortSignal.timeout(5_000) });
 * ```
 */
export interface DiscoveryOptions {
  /** @default globalThis.fetch (looked up at call time) */
  fetch?: FetchLike | undefined;
  /** @default undefined */
  signal?: AbortSignal | undefined;
}

function failure(issuer: string, what: string, retryable: boolean, cause?: unknown): TokenRefreshError {
  return new TokenRefreshError(`discovery for issuer ${issuer} failed: ${what}`, {
    cause,
    retryable,
    code: 'discovery_failed',
  });
}

/** Well-known URLs to try: OpenID Connect Discovery first, then RFC 8414 §3.1. */
function wellKnownUrls(issuer: string): string[] {
  const url = new URL(issuer);
  const path = url.pathname.replace(/\/$/, '');
  return [
    `${url.origin}${path}/.well-known/openid-configuration`,
    `${url.origin}/.well-known/oauth-authorization-server${path}`,
  ];
}

function checkEndpoint(issuer: string, metadata: Record<string, unknown>, member: string): void {
  const value = metadata[member];
  if (value === undefined && member !== 'token_endpoint') return;
  if (typeof value !== 'string' || !URL.canParse(value)) {
    throw failure(issuer, `"${member}" is missing or not a URL`, false);
  }
  if (!isSecureUrl(new URL(value))) {
    throw new TokenRefreshError(
      `discovery for issuer ${issuer}: "${member}" is not https: (credentials would travel in clear text)`,
      { retryable: false, code: 'insecure_endpoint' },
    );
  }
}

/**
 * Fetch and check an issuer's metadata (no cache: sources cache it themselves). Rejects with a
 * `TokenRefreshError`: `code: 'discovery_failed'` (retryable on network errors, 429 and 5xx),
 * `'issuer_mismatch'` when the document names another issuer (final: RFC 8414 §3.3), or
 * `'insecure_endpoint'` for an `http:` endpoint off loopback.
 *
 * @example
 * ```ts
 * const { authorization_endpoint } = await discoverIssuer('https://login.example.com/realms/acme');
 * ```
 */
export async function discoverIssuer(
  issuer: string | URL,
  { fetch: fetchOption, signal }: DiscoveryOptions = {},
): Promise<AuthorizationServerMetadata> {
  const expected = String(issuer);
  const fetchFn = fetchOption ?? (globalThis.fetch as FetchLike);
  let response: Response | undefined;
  let text = '';
  for (const url of wellKnownUrls(expected)) {
    try {
      response = await fetchFn(url, { headers: { Accept: 'application/json' }, signal: signal ?? null });
      text = await response.text();
    } catch (error) {
      if (signal?.aborted) throw signal.reason;
      throw failure(expected, `network error (${reasonOf(error)})`, true, redact(error));
    }
    if (response.status !== 404) break;
  }
  const status = response!.status;
  if (!response!.ok) {
    throw failure(
      expected,
      `the server answered ${status}`,
      status === 429 || status >= 500 || status === 408,
    );
  }
  let metadata: unknown;
  try {
    metadata = JSON.parse(text);
  } catch {
    throw failure(expected, 'the document is not JSON', false);
  }
  if (typeof metadata !== 'object' || metadata === null || Array.isArray(metadata)) {
    throw failure(expected, 'the document is not a JSON object', false);
  }
  const record = metadata as Record<string, unknown>;
  if (record.issuer !== expected) {
    throw new TokenRefreshError(
      `discovery for issuer ${expected}: the document names issuer ${JSON.stringify(String(record.issuer)).slice(0, 200)}`,
      { retryable: false, code: 'issuer_mismatch' },
    );
  }
  for (const member of ['token_endpoint', 'revocation_endpoint', 'authorization_endpoint']) {
    checkEndpoint(expected, record, member);
  }
  return Object.freeze(record) as AuthorizationServerMetadata;
}

/**
 * A lazily fetched, cached metadata document: one fetch in flight at a time, the first success
 * kept for the life of the source, a failure forgotten so the next call tries again.
 */
export function cachedDiscovery(
  issuer: string,
  fetchOption: FetchLike | undefined,
): (signal: AbortSignal) => Promise<AuthorizationServerMetadata> {
  let metadata: Promise<AuthorizationServerMetadata> | undefined;
  return (signal) => {
    if (!metadata) {
      const attempt = discoverIssuer(issuer, { fetch: fetchOption, signal });
      metadata = attempt;
      attempt.catch(() => {
        if (metadata === attempt) metadata = undefined;
      });
    }
    return abortable(metadata, signal);
  };
}
