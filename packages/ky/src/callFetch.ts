/**
 * ky 2: the `fetch` wrapper the `init` hook gives one ky call. The header, the redirects and
 * the resend happen here, inside ky's `fetch` step and ahead of ky's hooks: ky clones no
 * response for a hook of ours, and a resend goes through none of ky's hook machinery. ky's own
 * retries call it again (same call, same resend budget) and ky's timeout bounds all of it.
 */
import type { TokenVault } from '@tokvault/core';
import type { ResolvedAdapterOptions } from '@tokvault/core/adapter';
import type { KyOptionsLike } from './kyCompat.js';
import { type KyCall, MANUAL, manualRedirects, settle, settles } from './resend.js';

/** What the wrapper needs of `tokenVaultHooks`. */
export interface CallFetchDeps {
  o: ResolvedAdapterOptions<Response>;
  vault: TokenVault;
  /** The `fetch` option of `tokenVaultHooks`: sends resends and redirect hops when given. */
  fetch: ((request: Request) => Promise<Response>) | undefined;
  /** Sets the header on a request that may carry the token; returns its call (tracked under `key`). */
  begin: (request: Request, kyOptions: KyOptionsLike, key: object) => Promise<KyCall | undefined>;
}

/**
 * ky 2's `init` hook: this call's hooks without ours of `aside` (`beforeRequest`, `afterResponse`),
 * and, unless the call opted out, its `fetch` (ky's option, else `globalThis.fetch` looked up at
 * each send) wrapped: it sends the request with the token.
 */
export function initHook(d: CallFetchDeps, aside: readonly unknown[]): (options: unknown) => void {
  return (value) => {
    const kyOptions = value as KyOptionsLike;
    const hooks = { ...kyOptions.hooks };
    hooks.beforeRequest = hooks.beforeRequest?.filter((hook) => !aside.includes(hook));
    hooks.afterResponse = hooks.afterResponse?.filter((hook) => !aside.includes(hook));
    kyOptions.hooks = hooks;
    if (kyOptions.context?.tokenVault === false) return;
    const own = kyOptions.fetch;
    kyOptions.fetch = async (request, init) => {
      const call = await d.begin(request, kyOptions, kyOptions);
      const send = own ?? globalThis.fetch;
      if (!call) return send(request, init);
      // Outside browsers the redirects are followed in `settle`, the token dropped before it leaves
      // `origins`; a custom fetch gets `redirect: 'manual'` in the Request too (it may ignore `init`).
      const follow = manualRedirects(request.redirect);
      const first = own && follow ? new Request(request, MANUAL) : request;
      const response = await send(first, follow ? { ...init, ...MANUAL } : init);
      if (!settles(d.o, response, follow)) return response;
      const resend = d.fetch ?? ((sent: Request) => send(sent, init));
      return settle(d.o, d.vault, call, request, response, kyOptions, follow, resend);
    };
  };
}
