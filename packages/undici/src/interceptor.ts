/**
 * An undici interceptor (`Dispatcher.compose`, undici 7 and 8): bearer token for allowed
 * origins, one coalesced refresh and one retry on 401, for every `fetch` and `undici.request`
 * that goes through the composed dispatcher.
 */
import type { Token, TokenVault } from '@tokvault/core';
import {
  authorize,
  isAllowedOrigin,
  isRefreshWorthy,
  resendStep,
  resolveAdapterOptions,
} from '@tokvault/core/adapter';
import type { Dispatcher } from 'undici';
import {
  bodyAsIs,
  flattenHeaders,
  headerValue,
  type PreparedBody,
  prepareBody,
  type TokenVaultInterceptorOptions,
} from './requestParts.js';
import { callVault, insideVaultCall } from './vaultCall.js';

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
  const call = <T>(fn: () => Promise<T>): Promise<T> => callVault(vault, fn);
  // Starts the soft window's background refresh (marked, so its token requests pass untouched).
  const touch = () => vault.getToken().catch(() => {});

  return (dispatch) =>
    function tokenVault(opts, handler) {
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
      const { signal } = opts as { signal?: unknown };
      const abortSignal = signal instanceof AbortSignal ? signal : undefined;
      let target: Dispatcher.DispatchController | undefined; // the current attempt's controller
      // live: an attempt is in flight below; started: the caller's handler got onRequestStart
      let [live, started, settled, redirected] = [false, false, false, false];
      let step: 'nonce' | 'refresh' | undefined | false; // what the response in flight asks for
      const spent = { nonce: false, refresh: false }; // the request's resend budget
      let failure: Error | undefined;
      let token: Token;
      let prepared: PreparedBody;
      const fail = (error: Error): void => {
        if (settled) return;
        settled = true;
        handler.onResponseError?.(controller, error);
      };
      const controller: Dispatcher.DispatchController = {
        abort(reason) {
          failure ??= reason ?? new DOMException('This operation was aborted', 'AbortError');
          if (live && target) target.abort(failure);
          else fail(failure); // waiting on the vault: settle at once
        },
        pause: () => target?.pause(),
        resume: () => target?.resume(),
        get paused() {
          return target?.paused ?? false;
        },
        get aborted() {
          return failure !== undefined || (target?.aborted ?? false);
        },
        get reason() {
          return failure ?? target?.reason ?? null;
        },
      };
      const below: Dispatcher.DispatchHandler = {
        onRequestStart(c, context: { history?: unknown[] } | undefined) {
          target = c;
          if (failure) return c.abort(failure);
          if ((context?.history?.length ?? 0) > 0) {
            redirected = true; // a redirect interceptor composed before this one follows hops below
            if (header !== 'authorization') {
              const advice = 'compose interceptors.redirect() after tokenVaultInterceptor';
              return c.abort(
                new Error(`tokenVaultInterceptor: a redirect below it with "${o.header}": ${advice}`),
              );
            }
          }
          if (!started) {
            started = true;
            handler.onRequestStart?.(controller, context);
          }
        },
        onRequestUpgrade(_c, status, headers, socket) {
          handler.onRequestUpgrade?.(controller, status, headers, socket);
        },
        onResponseStarted() {
          handler.onResponseStarted?.();
        },
        // undici 7 passes (chunkSize, totalBytesSent), undici 8 the chunk: forward whatever comes.
        onBodySent(...args: unknown[]) {
          (handler.onBodySent as ((...a: unknown[]) => void) | undefined)?.(...args);
        },
        onRequestSent() {
          handler.onRequestSent?.();
        },
        onResponseStart(_c, status, headers, message) {
          const response = { status, headers };
          step =
            status >= 200 &&
            prepared.replayable &&
            !redirected &&
            resendStep(o, url, response, spent, () => isRefreshWorthy(o, response));
          if (!step) handler.onResponseStart?.(controller, status, headers, message);
        },
        onResponseData(_c, chunk) {
          if (!step) handler.onResponseData?.(controller, chunk);
        },
        onResponseEnd(_c, trailers) {
          live = false;
          // A DPoP nonce resend: the same token, a proof with the new nonce.
          if (step === 'nonce') send(token);
          else if (step)
            call(() => vault.refresh({ staleToken: token, signal: abortSignal })).then(send, fail);
          else if (!settled) {
            settled = true;
            handler.onResponseEnd?.(controller, trailers);
          }
        },
        onResponseError(_c, error) {
          live = false;
          fail(error);
        },
      };
      const send = (next: Token): void => {
        if (settled) return;
        token = next;
        const authorized = [...headers];
        const go = () => {
          live = !settled;
          if (live) dispatch({ ...opts, body: prepared.body, headers: authorized } as typeof opts, below);
        };
        // Synchronous for a Bearer token; a DPoP token waits for its proof.
        authorize(o, next, opts.method, url, (name, value) => authorized.push(name, value))?.then(go, fail) ??
          go();
      };
      const asIs = bodyAsIs(opts.body); // fast path: no body to read and a usable cached token
      const cached = !abortSignal?.aborted && vault.peek();
      if (asIs && cached) {
        prepared = asIs;
        call(touch);
        send(cached);
      } else {
        (async () => {
          prepared = asIs ?? (await prepareBody(opts.body, headers));
          send(await call(() => vault.getToken({ signal: abortSignal })));
        })().catch(fail);
      }
      return true;
    };
}
