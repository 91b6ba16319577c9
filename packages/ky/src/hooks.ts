/**
 * ky hooks (ky 1.14+ and ky 2 from one build): bearer token for allowed origins, one coalesced
 * refresh and one retry on 401. ky 1 calls hooks with positional arguments, ky 2 with one
 * state object; `readHookArgs` reads both.
 */

import { type TokenVault, TokVaultError } from '@tokvault/core';
import {
  type AdapterOptions,
  isAllowedOrigin,
  isRefreshWorthy,
  isReplayableBody,
  resolveAdapterOptions,
} from '@tokvault/core/adapter';
import { baseOf, type HookArgs, readHookArgs } from './kyCompat.js';

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
 * const [setToken]: VersionAgnosticHook<void>[] = tokenVaultHooks(vault).beforeRequest;
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
  /** Sets the header on allowed, non-opted-out requests. */
  beforeRequest: VersionAgnosticHook<void>[];
  /** Puts the current token on ky's own retries; stops ky 1 from retrying vault errors. */
  beforeRetry: VersionAgnosticHook<void>[];
  /** Refreshes on a refresh-worthy response and returns the retried response. */
  afterResponse: VersionAgnosticHook<Response | undefined>[];
}

/**
 * ky hooks that authorise requests with the vault's token, for ky 1.14+ and ky 2.
 *
 * - Allowed origins: `origins`, else the origin of the request's base URL (ky 2 `baseUrl` /
 *   `prefix`, ky 1 `prefixUrl`). A request with neither is sent WITHOUT a token (hooks cannot
 *   see the ky instance, so this cannot be checked at creation).
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
  const o = resolveAdapterOptions('tokenVaultHooks', vault, options);
  /** Per ky call (its managed signal): a token retry already happened. */
  const retried = new WeakSet<AbortSignal>();

  const authorised = ({ request, options: kyOptions }: HookArgs): boolean =>
    kyOptions.context?.tokenVault !== false && isAllowedOrigin(request.url, o.origins, baseOf(kyOptions));

  async function setHeader(args: HookArgs): Promise<void> {
    if (!authorised(args)) return;
    const token = await vault.getToken({ signal: args.request.signal });
    args.request.headers.set(o.header, o.formatHeader(token));
  }

  return {
    beforeRequest: [(first, ...rest) => setHeader(readHookArgs(first, rest))],
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
        const { request, options: kyOptions, response } = args;
        // Most responses: a status that never triggers a refresh, decided before any URL work.
        if (!response || (!o.shouldRefresh && !o.statusCodes.has(response.status))) return undefined;
        const callSignal = kyOptions.signal ?? request.signal;
        if (retried.has(callSignal) || !authorised(args)) return undefined;
        // A body inside a `Request` input is a stream (`request.body`): not replayable.
        const body = kyOptions.body ?? undefined;
        if (!isRefreshWorthy(o, response) || !isReplayableBody(body ?? request.body)) return undefined;
        const current = vault.peek();
        const sent = request.headers.get(o.header);
        // The header on the wire tells which token this response was for (stale-401 detection).
        const fresh =
          current && sent === o.formatHeader(current)
            ? await vault.refresh({ staleToken: current, signal: request.signal })
            : await vault.getToken({ signal: request.signal });
        const headers = new Headers(request.headers);
        headers.set(o.header, o.formatHeader(fresh));
        if (body instanceof FormData) headers.delete('content-type');
        retried.add(callSignal);
        const retry = new Request(request, { headers, body: body as BodyInit | undefined });
        const send = options.fetch ?? kyOptions.fetch;
        return send ? send(retry) : globalThis.fetch(retry);
      },
    ],
  };
}
