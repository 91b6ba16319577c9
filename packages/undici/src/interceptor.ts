/**
 * An undici interceptor (`Dispatcher.compose`, undici 7 and 8): bearer token for allowed
 * origins, one coalesced refresh and one retry on 401, for every `fetch` and `undici.request`
 * that goes through the composed dispatcher.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { TokenVault } from '@tokvault/core';
import { type AdapterOptions, isAllowedOrigin, resolveAdapterOptions } from '@tokvault/core/adapter';
import type { Dispatcher } from 'undici';
import { Exchange, type ExchangeContext } from './exchange.js';
import {
  bodyAsIs,
  flattenHeaders,
  headerValue,
  type InterceptedResponse,
  prepareBody,
} from './requestParts.js';

/**
 * Options of {@link tokenVaultInterceptor}: the shared adapter options. `origins` is required
 * (a dispatcher has no base URL).
 *
 * @example
 * ```ts
 * const options: TokenVaultInterceptorOptions = { origins: 'https://api.example.com' };
 * ```
 */
export type TokenVaultInterceptorOptions = AdapterOptions<InterceptedResponse>;

/** Set while this package calls the vault: the token source's own requests pass untouched. */
const vaultCall = new AsyncLocalStorage<TokenVault>();

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
  const touch = (): void => {
    vault.getToken().catch(() => {}); // its failure, if any, is the next request's
  };

  return (dispatch) => {
    const context: ExchangeContext = { o, vault, vaultCall, dispatch };
    return function tokenVault(opts, handler) {
      const headers = flattenHeaders(opts.headers);
      const origin = typeof opts.origin === 'string' ? opts.origin : (opts.origin?.origin ?? '');
      const url = `${origin}${opts.path}`;
      if (
        typeof handler.onRequestStart !== 'function' || // a legacy handler undici 8 itself rejects
        vaultCall.getStore() === vault ||
        headerValue(headers, header) !== undefined ||
        !isAllowedOrigin(url, o.origins)
      ) {
        return dispatch(opts, handler);
      }
      const signal = (opts as { signal?: unknown }).signal;
      const abortSignal = signal instanceof AbortSignal ? signal : undefined;
      const exchange = new Exchange(context, opts, handler, headers, url, abortSignal);
      // Fast path: a body that needs no reading and a usable cached token: dispatched now.
      const asIs = bodyAsIs(opts.body);
      const cached = asIs && !abortSignal?.aborted ? vault.peek() : undefined;
      if (asIs && cached) {
        exchange.prepared = asIs;
        vaultCall.run(vault, touch); // still starts the background refresh in the soft window
        exchange.send(cached);
        return true;
      }
      (async () => {
        exchange.prepared = asIs ?? (await prepareBody(opts.body, headers));
        exchange.send(await vaultCall.run(vault, () => vault.getToken({ signal: abortSignal })));
      })().catch((error: Error) => exchange.fail(error));
      return true;
    };
  };
}
