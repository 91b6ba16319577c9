/**
 * ky hooks (ky 1.14+ and ky 2 from one build): bearer token for allowed origins, one coalesced
 * refresh and one retry on 401. ky 2 runs the `init` hook, which sends the call through a `fetch`
 * wrapper (`callFetch.ts`) and takes `beforeRequest` and `afterResponse` out; ky 1 has no `init`
 * hooks and runs those (positional arguments). `beforeRetry` runs in both (one state object).
 */

import { type TokenVault, TokVaultError } from '@tokvault/core';
import type { AdapterOptions } from '@tokvault/core/adapter';
import { initHook } from './callFetch.js';
import { baseFor, type KyOptionsLike, type RetryState } from './kyCompat.js';
import { noOriginsWarning } from './noOrigins.js';
import {
  authorize,
  isAllowedOrigin,
  type KyCall,
  MANUAL,
  manualRedirects,
  resolveAdapterOptions,
  settle,
  settles,
} from './resend.js';

/**
 * Options of {@link tokenVaultHooks}: the shared adapter options plus `fetch`.
 *
 * @example
 * ```ts
 * const options: TokenVaultHooksOptions = { origins: ['https://api.example.com'] };
 * ```
 */
export interface TokenVaultHooksOptions extends AdapterOptions<Response> {
  /**
   * The `fetch` that sends the token retry and the redirect hops (ky's `fetch` option sends the
   * first request).
   * @default ky's `fetch` option, else `globalThis.fetch`
   */
  fetch?: ((request: Request) => Promise<Response>) | undefined;
}

/**
 * The per-request opt-out, passed through ky's `context` option (a type alias, so it fits ky's
 * `Record<string, unknown>` context and combines with your own fields).
 *
 * @example
 * ```ts
 * await api.get('health', { context: { tokenVault: false } satisfies TokenVaultContext });
 * ```
 */
export type TokenVaultContext = {
  /**
   * `false`: send this request untouched (no header, no refresh, no retry).
   * @default true
   */
  tokenVault?: boolean;
};

/**
 * A hook typed so that the same array fits the `Hooks` type of ky 1 (positional arguments) and
 * ky 2 (one state object).
 *
 * @example
 * ```ts
 * const [setToken]: VersionAgnosticHook<Request | undefined>[] = tokenVaultHooks(vault).beforeRequest;
 * ```
 */
export type VersionAgnosticHook<TResult> = (first: unknown, ...rest: unknown[]) => Promise<TResult>;

/**
 * The hooks for `ky.create({ hooks })` / `.extend({ hooks })`, typed to fit ky 1 and ky 2.
 *
 * @example
 * ```ts
 * const hooks: TokenVaultKyHooks = tokenVaultHooks(vault);
 * ```
 */
export interface TokenVaultKyHooks {
  /**
   * ky 2: sends the call through a `fetch` wrapper that sets the header, follows redirects and
   * resends, ahead of ky's hooks (no response clone for a hook); takes `beforeRequest` and `afterResponse` out.
   */
  init: ((options: unknown) => void)[];
  /** ky 1: sets the header on allowed, non-opted-out requests; such a request's redirects become manual. */
  beforeRequest: VersionAgnosticHook<Request | undefined>[];
  /** Puts the current token on ky's own retries (ky 2 sets it again at fetch time); stops ky retrying vault errors. */
  beforeRetry: VersionAgnosticHook<void>[];
  /** ky 1: follows those redirects; refreshes on a refresh-worthy response and returns the retried response. */
  afterResponse: VersionAgnosticHook<Response | undefined>[];
}

/**
 * ky hooks that authorise requests with the vault's token, for ky 1.14+ and ky 2.
 *
 * - Allowed origins: `origins`, else the origin of the request's base URL (ky 2 `baseUrl` /
 *   `prefix`, ky 1 `prefixUrl`), else in a browser the page's origin. In Node a request with
 *   none is sent WITHOUT a token (hooks cannot see the instance) and the first one emits a
 *   warning naming `origins` (`process.emitWarning`, once per `tokenVaultHooks()`).
 * - Redirects of a request with the token are followed by the hooks (browsers follow them
 *   themselves): the header is dropped before a hop off the allowed origins, whose 401 is final.
 * - A refresh-worthy response (401 by default) triggers one coalesced
 *   `vault.refresh({ staleToken })` and ONE retry, sent by the hook itself: it does not count
 *   against `retry.limit`, works with `retry: 0`, has no backoff delay, and its response is not
 *   refreshed again. A second 401 reaches you as ky's `HTTPError` with that final response.
 * - Bodies from `json` / `body` (string, `Blob`, bytes, `FormData`, `URLSearchParams`) are
 *   resent; a `ReadableStream` body (or a body inside a `Request` input) is not retried.
 * - Opt out per request with `context: { tokenVault: false }`.
 *
 * @example
 * ```ts
 * import ky from 'ky';
 * import { tokenVaultHooks } from '@tokvault/ky';
 *
 * const api = ky.create({ prefix: 'https://api.example.com', hooks: tokenVaultHooks(vault) });
 * const me = await api.get('me').json();
 * ```
 */
export function tokenVaultHooks(vault: TokenVault, options: TokenVaultHooksOptions = {}): TokenVaultKyHooks {
  const o = resolveAdapterOptions('tokenVaultHooks', vault, options, {
    ownOptions: { fetch: [(value) => typeof value === 'function', 'a function'] },
  });
  /** Per ky call (ky 2: its options; ky 1: its managed signal): its token and resend budget. */
  const calls = new WeakMap<object, KyCall>();
  const warn = noOriginsWarning();

  /** Set the token header if the request may carry it; the first that nothing allows warns once. */
  async function begin(
    request: Request,
    kyOptions: KyOptionsLike,
    key: object = kyOptions.signal ?? request.signal, // ky 2 passes its options
  ): Promise<KyCall | undefined> {
    const base = baseFor(kyOptions);
    const optedOut = kyOptions.context?.tokenVault === false;
    const { url } = request; // a getter that serialises the URL at each read: read once
    if (optedOut || !isAllowedOrigin(url, o.origins, base)) {
      if (!o.origins && !base && !optedOut) warn(url);
      return undefined;
    }
    const { headers } = request;
    const token = await vault.getToken({ signal: request.signal });
    const proof = authorize(o, token, request.method, url, (name, value) => headers.set(name, value));
    if (proof) await proof; // a DPoP proof; a Bearer header is set at once
    const call = calls.get(key);
    if (call) {
      call.token = token; // ky's own retry: the current token
      return call;
    }
    const created = { token, spent: { nonce: false, refresh: false } };
    calls.set(key, created);
    return created;
  }
  const setToken = async (request: Request, kyOptions: KyOptionsLike) =>
    // `afterResponse` follows the redirects, dropping the token before it leaves `origins`.
    (await begin(request, kyOptions)) && manualRedirects(request.redirect)
      ? new Request(request, MANUAL)
      : undefined;
  const retry = async ({ error, request, options: kyOptions }: RetryState) => {
    // ky 1 retries any non-HTTP error; a vault error or an abort must reach the caller.
    if (error instanceof TokVaultError || (request.signal.aborted && error === request.signal.reason)) {
      throw error;
    }
    await begin(request, kyOptions); // ky 2 sets the header again at fetch time
  };
  const resend = async (request: Request, kyOptions: KyOptionsLike, response: Response) => {
    const call = calls.get(kyOptions.signal ?? request.signal);
    const follow = request.redirect === 'manual' && kyOptions.redirect !== 'manual';
    if (!call || !settles(o, response, follow)) return undefined;
    const send = options.fetch ?? kyOptions.fetch ?? globalThis.fetch;
    const final = await settle(o, vault, call, request, response, kyOptions, follow, send);
    return final === response ? undefined : final;
  };

  return {
    // ky 2: the call goes through a `fetch` wrapper; `setToken` and `resend` step aside.
    init: [initHook({ o, vault, fetch: options.fetch, begin }, [setToken, resend])],
    beforeRequest: [setToken as VersionAgnosticHook<Request | undefined>],
    beforeRetry: [retry as VersionAgnosticHook<void>],
    afterResponse: [resend as VersionAgnosticHook<Response | undefined>],
  };
}
