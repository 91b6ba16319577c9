/**
 * A `fetch` wrapper: bearer token for allowed origins, one coalesced refresh and one retry on 401.
 */
import type { TokenVault } from '@tokvault/core';
import {
  type AdapterOptions,
  authorize,
  drainResponse,
  followManualRedirects,
  isAllowedOrigin,
  isRefreshWorthy,
  isReplayableBody,
  manualRedirects,
  resendStep,
  resolveAdapterOptions,
} from '@tokvault/core/adapter';

/**
 * Options of {@link createAuthFetch}: the shared adapter options plus `fetch`.
 *
 * @example
 * ```ts
 * const options: AuthFetchOptions = { origins: 'https://api.example.com', statusCodes: [401] };
 * ```
 */
export interface AuthFetchOptions extends AdapterOptions<Response> {
  /**
   * The `fetch` implementation to wrap. Unset, `globalThis.fetch` is looked up at each call
   * (so MSW and other interceptors installed later still apply).
   * @default globalThis.fetch
   */
  fetch?: ((input: RequestInfo | URL, init?: RequestInit) => Promise<Response>) | undefined;
}

/**
 * `RequestInit` plus the per-request opt-out.
 *
 * @example
 * ```ts
 * const authFetch = createAuthFetch(vault, { origins: ['https://api.example.com'] });
 * await authFetch('https://api.example.com/health', { tokenVault: false }); // no token, no refresh
 * ```
 */
export interface AuthFetchInit extends RequestInit {
  /**
   * `false`: send this request untouched (no header, no refresh, no retry).
   * @default true
   */
  tokenVault?: boolean | undefined;
}

/**
 * A function with `fetch`'s signature that authorises requests with the vault's token.
 *
 * @example
 * ```ts
 * const authFetch = createAuthFetch(vault, { origins: ['https://api.example.com'] });
 * const response = await authFetch('https://api.example.com/me');
 * ```
 */
export type AuthFetch = (input: RequestInfo | URL, init?: AuthFetchInit) => Promise<Response>;

/**
 * Wrap `fetch` so that requests to allowed origins carry the vault's token. A refresh-worthy
 * response (401 by default) triggers one coalesced `vault.refresh({ staleToken })` and ONE
 * retry with the new token; a second 401 is returned as is. With a DPoP vault (`vault.dpop`),
 * a DPoP token goes with a fresh proof per send, and a `use_dpop_nonce` 401 is resent once with
 * the same token and the server's nonce (not counted as the refresh retry). A failed refresh rejects with the
 * vault's `TokenRefreshError`; an abort rejects with the signal's reason.
 *
 * Redirects of a request that carries the token are followed by the wrapper (as fetch follows
 * them, at most 20; outside browsers, which follow them themselves) and the token header is
 * dropped before any hop to an origin outside `origins`; a 401 from such an origin is returned
 * as is, never refreshed.
 *
 * Bodies given in `init` (string, `Blob`, `ArrayBuffer`, typed array, `FormData`,
 * `URLSearchParams`) are sent again on the retry; a `ReadableStream` body, or a body inside a
 * `Request` input, cannot be replayed: that request's 401 is returned without a retry.
 *
 * @throws TypeError when `origins` is invalid, or missing outside a browser (in a browser it
 *   defaults to the page's origin; elsewhere there is no base URL to infer it from).
 * @example
 * ```ts
 * import { createAuthFetch } from '@tokvault/fetch';
 *
 * const authFetch = createAuthFetch(vault, { origins: 'https://api.example.com' });
 * const me = await (await authFetch('https://api.example.com/me')).json();
 * ```
 */
export function createAuthFetch(vault: TokenVault, options: AuthFetchOptions = {}): AuthFetch {
  // In a browser the page's origin is the natural default (relative URLs resolve against it).
  const o = resolveAdapterOptions('createAuthFetch', vault, options, {
    requireOrigins: true,
    baseUrl: globalThis.location?.href,
    ownOptions: { fetch: [(value) => typeof value === 'function', 'a function'] },
  });
  const send =
    options.fetch ?? ((input: RequestInfo | URL, init?: RequestInit) => globalThis.fetch(input, init));
  const allowed = (url: string) => isAllowedOrigin(url, o.origins);
  const redirects = { header: o.header, allowed, send };

  return async function authFetch(input, init) {
    let rest: RequestInit | undefined;
    let tokenVault: boolean | undefined;
    if (init) ({ tokenVault, ...rest } = init);
    const request = input instanceof Request ? input : undefined;
    const url = request ? request.url : String(input);
    if (tokenVault === false || !allowed(url)) return rest ? send(input, rest) : send(input);
    const signal = rest?.signal ?? request?.signal ?? undefined;
    // A body inside a `Request` input is a stream (`request.body`): not replayable.
    const replayable = isReplayableBody(rest?.body ?? request?.body);
    // No headers given: a plain object, as an app would pass (fetch reads it faster than `Headers`).
    const given = rest?.headers ?? request?.headers;
    const headers: Record<string, string> | Headers = given ? new Headers(given) : {};
    const method = rest?.method ?? request?.method ?? 'GET';
    const target = o.dpop ? new URL(url, globalThis.location?.href).href : url; // the proof's `htu`
    let token = await vault.getToken(signal && { signal }); // no options: no option check per request
    // Redirects of a request with the token: followed here, the token dropped before it leaves `origins`.
    const manual = manualRedirects(rest?.redirect ?? request?.redirect);
    // A 307/308 sends the body again, as fetch does: a `Request` body (unless `init` has one) is read once for that.
    const body = rest?.body === undefined && manual && request?.body ? await request.blob() : rest?.body;
    const sent: RequestInit = manual ? { ...rest, headers, body, redirect: 'manual' } : { ...rest, headers };
    const spent = { nonce: false, refresh: false };
    for (;;) {
      const proof = authorize(o, token, method, target, (name, value) => {
        if (headers instanceof Headers) headers.set(name, value);
        else headers[name] = value;
      });
      if (proof) await proof;
      let response = await send(input, sent);
      if (manual) response = await followManualRedirects(response, input, sent, redirects);
      // A DPoP nonce resend keeps the token; a refresh resend takes the refreshed one.
      const step = replayable && resendStep(o, target, response, spent, () => isRefreshWorthy(o, response));
      if (!step) return response;
      void drainResponse(response);
      if (step === 'refresh') token = await vault.refresh({ staleToken: token, signal });
    }
  };
}
