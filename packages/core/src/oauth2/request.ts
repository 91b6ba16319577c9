/**
 * Sending one token request (RFC 6749 §3.2): form body, client authentication, abort, and
 * turning every outcome into a `TokenResponse` or a classified `TokenRefreshError`.
 */
import { TokenRefreshError } from '../errors.js';
import type { TokenResponse } from '../token.js';
import { serverLifetime } from './lifetime.js';
import { networkError } from './networkError.js';
import type { FetchLike, ResolvedEndpoint } from './options.js';
import { errorFromResponse, tokenFromResponse } from './response.js';

function resolveFetch(endpoint: ResolvedEndpoint): FetchLike {
  const fetchFn = endpoint.fetch ?? (globalThis.fetch as FetchLike | undefined);
  if (typeof fetchFn !== 'function') {
    throw new TokenRefreshError('no fetch available: pass the "fetch" option', { retryable: false });
  }
  return fetchFn;
}

/**
 * POST `params` to the token endpoint. Rejects with `signal.reason` when `signal` aborts, with a
 * retryable `TokenRefreshError` on network errors, 408/425/429/5xx, and with a final one
 * otherwise. `secrets` (and the client's credentials) are redacted from anything the server
 * echoes and from the network error kept as `cause`; a network error's reason is in its message.
 */
export async function requestToken(
  endpoint: ResolvedEndpoint,
  params: Record<string, string | undefined>,
  signal: AbortSignal,
  secrets: ReadonlyArray<string | undefined>,
): Promise<TokenResponse> {
  const fetchFn = resolveFetch(endpoint);
  const body = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (value !== undefined) body.set(key, value);
  if (endpoint.scope !== undefined && !body.has('scope')) body.set('scope', endpoint.scope);
  const headers = new Headers(endpoint.headers);
  headers.set('Content-Type', 'application/x-www-form-urlencoded;charset=UTF-8');
  if (!headers.has('Accept')) headers.set('Accept', 'application/json');
  for (const resource of endpoint.resource) body.append('resource', resource);
  if (endpoint.audience !== undefined && !body.has('audience')) body.set('audience', endpoint.audience);
  const { tokenUrl, where, metadata } = await endpoint.target(signal);
  const base = globalThis.location?.href;
  const absolute = URL.canParse(tokenUrl, base) ? new URL(tokenUrl, base).href : String(tokenUrl);
  const supported = metadata?.token_endpoint_auth_methods_supported;
  const assertion = await endpoint.auth.apply(headers, body, { tokenUrl: absolute, supported });
  const redacted = [...secrets, assertion, headers.get('Authorization') ?? undefined];

  let response: Response;
  let text: string;
  try {
    signal.throwIfAborted();
    response = await fetchFn(tokenUrl, { method: 'POST', headers, body, signal });
    text = await response.text();
  } catch (error) {
    if (signal.aborted) throw signal.reason;
    throw networkError(`token request to ${where}`, error, redacted);
  }
  if (!response.ok) throw errorFromResponse(where, response, text, redacted, Date.now());
  return serverLifetime(tokenFromResponse(where, text));
}
