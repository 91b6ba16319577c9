/**
 * ky hooks (ky 1.14+ and ky 2 from one build; `readHookArgs` reads both calling conventions):
 * bearer token for allowed origins, one coalesced refresh and one retry on 401.
 */

import { type Token, type TokenVault, TokVaultError } from '@tokvault/core';
import {
  type AdapterOptions,
  authorize,
  isAllowedOrigin,
  isRefreshWorthy,
  isReplayableBody,
  manualRedirects,
  type ResendBudget,
  resendStep,
  resolveAdapterOptions,
} from '@tokvault/core/adapter';
import { baseOf, type HookArgs, type KyOptionsLike, readHookArgs } from './kyCompat.js';
import { noOriginsWarning } from './noOrigins.js';
import { redirectFollower } from './redirects.js';

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
   * The `fetch` that sends the token retry. ky 1 exposes its `fetch` option to hooks and that
   * one is used; ky 2 does not, so pass your custom `fetch` here too if you gave ky one.
   * @default ky's `fetch` option (ky 1), else `globalThis.fetch`
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
 * A hook callable by ky 1 (positional arguments) and ky 2 (one state object), so the same
 * array fits both majors' `Hooks` type.
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
  /** Sets the header on allowed, non-opted-out requests; such a request's redirects become manual. */
  beforeRequest: VersionAgnosticHook<Request | undefined>[];
  /** Puts the current token on ky's own retries; stops ky 1 from retrying vault errors. */
  beforeRetry: VersionAgnosticHook<void>[];
  /** Follows those redirects; refreshes on a refresh-worthy response and returns the retried response. */
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
  /** Per ky call (its managed signal): the token it carries and what it spent of its resend budget. */
  const calls = new WeakMap<AbortSignal, { token: Token; spent: ResendBudget }>();
  const warn = noOriginsWarning();
  /** The request's base URL; none in a browser: the page (as for a same-origin fetch). */
  const baseFor = (kyOptions: KyOptionsLike) => baseOf(kyOptions) ?? globalThis.location?.href;
  const sender = (kyOptions: KyOptionsLike) => options.fetch ?? kyOptions.fetch ?? globalThis.fetch;
  const authorised = ({ request, options: kyOptions }: HookArgs): boolean =>
    kyOptions.context?.tokenVault !== false && isAllowedOrigin(request.url, o.origins, baseFor(kyOptions));

  /** Set the token header if the request may carry it; the first that nothing allows warns once. */
  async function setHeader(args: HookArgs): Promise<boolean> {
    if (!authorised(args)) {
      const optedOut = args.options.context?.tokenVault === false;
      if (!o.origins && !baseFor(args.options) && !optedOut) warn(args.request.url);
      return false;
    }
    const { headers, method, url, signal } = args.request;
    const token = await vault.getToken({ signal });
    await authorize(o, token, method, url, (name, value) => headers.set(name, value));
    const call = calls.get(args.options.signal ?? signal);
    if (call)
      call.token = token; // ky's own retry
    else calls.set(args.options.signal ?? signal, { token, spent: { nonce: false, refresh: false } });
    return true;
  }

  const followed = redirectFollower(o, baseFor, sender);

  return {
    beforeRequest: [
      async (first, ...rest) => {
        const args = readHookArgs(first, rest);
        // `afterResponse` follows the redirects, dropping the token before it leaves `origins`.
        return (await setHeader(args)) && manualRedirects(args.request.redirect)
          ? new Request(args.request, { redirect: 'manual' })
          : undefined;
      },
    ],
    beforeRetry: [
      async (first, ...rest) => {
        const args = readHookArgs(first, rest);
        // ky 1 retries any non-HTTP error; a vault error or an abort must reach the caller.
        if (
          args.error instanceof TokVaultError ||
          (args.request.signal.aborted && args.error === args.request.signal.reason)
        ) {
          throw args.error;
        }
        await setHeader(args);
      },
    ],
    afterResponse: [
      async (first, ...rest) => {
        const args = readHookArgs(first, rest);
        const { request, options: kyOptions } = args;
        if (!args.response) return undefined;
        const body = kyOptions.body ?? request.body; // a body inside a Request input: a stream
        const response = await followed(request, args.response, kyOptions, body);
        const own = response === args.response ? undefined : response;
        const call = calls.get(kyOptions.signal ?? request.signal);
        const resend = // most responses: a status that never resends, decided before any URL work
          (o.dpop || o.shouldRefresh || o.statusCodes.has(response.status)) &&
          call &&
          !(call.spent.nonce && call.spent.refresh) &&
          authorised(args) &&
          isReplayableBody(body);
        if (!resend) return own;
        let received = response;
        for (;;) {
          const refreshWorthy = () => isRefreshWorthy(o, received, baseFor(kyOptions));
          const step = resendStep(o, request.url, received, call.spent, refreshWorthy);
          if (!step) return received === args.response ? undefined : received;
          // A DPoP nonce resend keeps the token; a refresh resend takes the refreshed one.
          if (step === 'refresh') {
            call.token = await vault.refresh({ staleToken: call.token, signal: request.signal });
          }
          const token = call.token;
          const headers = new Headers(request.headers);
          await authorize(o, token, request.method, request.url, (name, value) => headers.set(name, value));
          if (body instanceof FormData) headers.delete('content-type');
          const sent = new Request(request, { headers, body: body as BodyInit | null });
          received = await followed(sent, await sender(kyOptions)(sent), kyOptions, body);
        }
      },
    ],
  };
}
