/**
 * An undici interceptor (`Dispatcher.compose`, undici 7 and 8): bearer token for allowed
 * origins, one coalesced refresh and one retry on 401, for every `fetch` and `undici.request`
 * that goes through the composed dispatcher.
 */
import type { TokenVault } from '@tokvault/core';
import { isAllowedOrigin, resolveAdapterOptions } from '@tokvault/core/adapter';
import type { Dispatcher } from 'undici';
import { interceptedRequests } from './interceptedRequest.js';
import { flattenHeaders, headerValue, type TokenVaultInterceptorOptions } from './requestParts.js';
import { insideVaultCall } from './vaultCall.js';

/**
 * An undici interceptor that authorises requests to `origins` with the vault's token. A
 * refresh-worthy response (401 by default) triggers one coalesced `vault.refresh({ staleToken })`
 * and ONE retry with the new token (a 401 for an older token just retries with the current
 * one); a second 401 reaches the caller as is. A failed refresh fails the request with the
 * vault's `TokenRefreshError` (`fetch` wraps it: `TypeError('fetch failed')` with it as `cause`).
 *
 * Sent untouched: requests to other origins, requests that already carry the header (e.g. a
 * token endpoint's `Basic` credentials), and every request the vault's `fetchToken` makes
 * while this interceptor waits for it (so `clientCredentials` can use the global `fetch`
 * through this very dispatcher without waiting on itself). Bodies: strings, bytes, `Blob`,
 * `FormData` are replayed; a `fetch` body is kept up to {@link REPLAY_LIMIT_BYTES} when its
 * length is known; a stream is sent once and its 401 returned without a retry.
 *
 * Redirects: `fetch` follows them itself, one dispatch per hop, each checked against
 * `origins`. With undici's redirect interceptor, compose it AFTER this one
 * (`compose(tokenVaultInterceptor(…), interceptors.redirect())`) so every hop is checked; composed
 * before it, undici strips `Authorization` on a cross-origin hop, a custom `header` fails the
 * hop, and a 401 after a redirect is not retried.
 *
 * @throws TypeError when `vault` or an option is invalid, or `origins` is missing.
 * @example
 * ```ts
 * import { Agent, setGlobalDispatcher } from 'undici';
 * import { tokenVaultInterceptor } from '@tokvault/undici';
 *
 * setGlobalDispatcher(new Agent().compose(tokenVaultInterceptor(vault, { origins: 'https://api.example.com' })));
 * const me = await (await fetch('https://api.example.com/me')).json();
 * ```
 */
export function tokenVaultInterceptor(
  vault: TokenVault,
  options: TokenVaultInterceptorOptions = {},
): Dispatcher.DispatcherComposeInterceptor {
  const o = resolveAdapterOptions('tokenVaultInterceptor', vault, options, { requireOrigins: true });
  const header = o.header.toLowerCase();

  return (dispatch) => {
    const Intercepted = interceptedRequests(vault, o, dispatch);
    return function tokenVault(opts, handler) {
      const headers = flattenHeaders(opts.headers);
      const url = `${typeof opts.origin === 'string' ? opts.origin : (opts.origin?.origin ?? '')}${opts.path}`;
      if (
        typeof handler.onRequestStart !== 'function' || // a legacy handler undici 8 itself rejects
        insideVaultCall(vault) ||
        headerValue(headers, header) !== undefined ||
        !isAllowedOrigin(url, o.origins)
      ) {
        return dispatch(opts, handler);
      }
      new Intercepted(opts, handler, url, headers).start();
      return true;
    };
  };
}
