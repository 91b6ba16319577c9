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
 * ky 2's `init` hook: this call's hooks with ours swapped as `aside` says (`[]`: taken out), and,
 * unless the call opted out, its `fetch` (ky's option, else `globalThis.fetch` looked up at each
 * send) wrapped: it sends the request with the token.
 */
export function initHook(
  d: CallFetchDeps,
  aside: Readonly<Record<string, readonly [ours: unknown, swap: unknown]>>,
): (options: unknown) => void {
  return (value) => {
    const kyOptions = value as KyOptionsLike;
    const hooks = { ...kyOptions.hooks };
    for (const name in aside) {
      const [ours, swap] = aside[name]!;
      hooks[name] = hooks[name]?.flatMap((hook) => (hook === ours ? swap : hook));
    }
    kyOptions.hooks = hooks;
    if (kyOptions.context?.tokenVault === false) return;
    const own = kyOptions.fetch;
    kyOptions.fetch = async (request, init) => {
      const send = (sent: Request, sentInit = init) => (own ?? globalThis.fetch)(sent, sentInit);
      const call = await d.begin(request, kyOptions, kyOptions);
      if (!call) return send(request);
      // Outside browsers the redirects are followed in `settle`, the token dropped before it leaves
      // `origins`; a custom fetch gets `redirect: 'manual'` in the Request too (it may ignore `init`).
      const follow = manualRedirects(request.redirect);
      const first = own && follow ? new Request(request, MANUAL) : request;
      const response = await send(first, follow ? { ...init, ...MANUAL } : init);
      return settles(d.o, response, follow)
        ? settle(d.o, d.vault, call, request, response, kyOptions, follow, d.fetch ?? send)
        : response;
    };
  };
}
