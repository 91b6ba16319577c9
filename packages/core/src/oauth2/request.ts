/**
 * Sending one token request (RFC 6749 §3.2): form body, client authentication, abort, and
 * turning every outcome into a `TokenResponse` or a classified `TokenRefreshError`.
 */
import type { Dpop } from '../dpopTypes.js';
import { TokenRefreshError } from '../errors.js';
import type { TokenResponse } from '../token.js';
import { checkBinding, wantsNonce } from './dpopBinding.js';
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
 * With `dpop` (the vault's, else the source's), each send carries a DPoP proof, a
 * `use_dpop_nonce` answer is resent once with the server's nonce, and a bound token must be
 * bound to that key.
 */
export async function requestToken(
  endpoint: ResolvedEndpoint,
  params: Record<string, string | undefined>,
  signal: AbortSignal,
  secrets: ReadonlyArray<string | undefined>,
  dpop: Dpop | undefined = endpoint.dpop,
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
  const redacted = [...secrets];

  let response: Response;
  let text: string;
  // Twice at most: a DPoP server's `use_dpop_nonce` asks for one resend with its nonce.
  for (let nonced = false; ; nonced = true) {
    // A fresh client assertion (and DPoP proof) per send: servers refuse a replayed `jti`.
    redacted.push(await endpoint.auth.apply(headers, body, { tokenUrl: absolute, supported }));
    redacted.push(headers.get('Authorization') ?? undefined);
    if (dpop) {
      const proof = await dpop.proof('POST', absolute);
      headers.set('DPoP', proof);
      redacted.push(proof); // never echoed into an error
    }
    try {
      signal.throwIfAborted();
      response = await fetchFn(tokenUrl, { method: 'POST', headers, body, signal });
      text = await response.text();
    } catch (error) {
      if (signal.aborted) throw signal.reason;
      throw networkError(`token request to ${where}`, error, redacted);
    }
    if (!dpop || !wantsNonce(dpop, absolute, response, text) || nonced) break;
  }
  if (!response.ok) throw errorFromResponse(where, response, text, redacted, Date.now());
  const token = serverLifetime(tokenFromResponse(where, text));
  if (dpop) await checkBinding(dpop, token, where);
  return token;
}
