/**
 * Sending one token request (RFC 6749 §3.2): form body, client authentication, abort, and
 * turning every outcome into a `TokenResponse` or a classified `TokenRefreshError`.
 */
import { TokenRefreshError } from '../errors.js';
import type { TokenResponse } from '../token.js';
import type { FetchLike, ResolvedEndpoint } from './options.js';
import { errorFromResponse, tokenFromResponse } from './response.js';

/** `application/x-www-form-urlencoded` encoding of a Basic credential part (RFC 6749 §2.3.1). */
function formEncode(value: string): string {
  return new URLSearchParams({ v: value }).toString().slice(2);
}

function basicCredentials(id: string, secret: string): string {
  const bytes = new TextEncoder().encode(`${formEncode(id)}:${formEncode(secret)}`);
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return `Basic ${btoa(binary)}`;
}

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
 * otherwise. `secrets` are redacted from anything the server echoes.
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
  const { clientId, clientSecret } = endpoint;
  if (clientSecret !== undefined && endpoint.authMethod === 'client_secret_basic') {
    headers.set('Authorization', basicCredentials(clientId, clientSecret));
  } else {
    body.set('client_id', clientId);
    if (clientSecret !== undefined) body.set('client_secret', clientSecret);
  }

  let response: Response;
  let text: string;
  try {
    signal.throwIfAborted();
    response = await fetchFn(endpoint.tokenUrl, { method: 'POST', headers, body, signal });
    text = await response.text();
  } catch (error) {
    if (signal.aborted) throw signal.reason;
    throw new TokenRefreshError(`token request to ${endpoint.where} failed: network error`, {
      cause: error,
      retryable: true,
      code: 'network_error',
    });
  }
  if (!response.ok) throw errorFromResponse(endpoint.where, response, text, secrets, Date.now());
  return tokenFromResponse(endpoint.where, text);
}
