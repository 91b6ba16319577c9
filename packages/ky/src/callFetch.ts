/**
 * ky 2: the `fetch` wrapper the `init` hook gives one ky call. The header, the redirects and
 * the resend happen here, inside ky's `fetch` step and ahead of ky's hooks: ky clones no
 * response for a hook of ours, and a resend goes through none of ky's hook machinery. ky's own
 * retries call it again (same call, same resend budget) and its timeout bounds all of it.
 */
import type { Token, TokenVault } from '@tokvault/core';
import { manualRedirects, type ResolvedAdapterOptions } from '@tokvault/core/adapter';
import { type KyFetch, type KyOptionsLike, replayBody } from './kyCompat.js';
import { type KyCall, MANUAL, settle } from './resend.js';

/** What the wrapper needs of `tokenVaultHooks`. */
export interface CallFetchDeps {
  o: ResolvedAdapterOptions<Response>;
  vault: TokenVault;
  /** The `fetch` option of `tokenVaultHooks`: sends resends and redirect hops when given. */
  fetch: ((request: Request) => Promise<Response>) | undefined;
  baseFor: (kyOptions: KyOptionsLike) => string | URL | undefined;
  /** Sets the header on a request that may carry the token and returns that token. */
  setHeader: (request: Request, kyOptions: KyOptionsLike) => Promise<Token | undefined>;
}

/**
 * The `fetch` for one ky 2 call with `kyOptions` (as its `init` hooks see them): ky's own
 * `fetch` option (else `globalThis.fetch`, looked up at each send) with the token.
 */
export function callFetch(d: CallFetchDeps, kyOptions: KyOptionsLike): KyFetch {
  const own = kyOptions.fetch;
  let call: KyCall | undefined;
  return async (request, init) => {
    const token = await d.setHeader(request, kyOptions);
    if (!token) return own ? own(request, init) : globalThis.fetch(request, init);
    if (call)
      call.token = token; // ky's own retry
    else call = { token, spent: { nonce: false, refresh: false } };
    // Outside browsers the redirects are followed in `settle`, the token dropped before it leaves `origins`.
    const follow = manualRedirects(request.redirect);
    const response = await (own
      ? own(follow ? new Request(request, MANUAL) : request, init) // a custom fetch gets it in the Request
      : globalThis.fetch(request, follow ? { ...init, ...MANUAL } : init));
    return settle(d.o, d.vault, call, request, response, {
      base: d.baseFor(kyOptions),
      follow,
      body: () => replayBody(kyOptions, request),
      send: d.fetch ?? ((sent) => (own ?? globalThis.fetch)(sent, init)),
    });
  };
}

/**
 * ky 2's `init` hook: this call's hooks with ours replaced as `aside` says (a hook mapped to
 * `[]` is taken out), and, unless the call opted out, its `fetch` wrapped by {@link callFetch}.
 */
export function initHook(d: CallFetchDeps, aside: ReadonlyMap<unknown, unknown>): (options: unknown) => void {
  return (value) => {
    const kyOptions = value as KyOptionsLike;
    const hooks = Object.entries(kyOptions.hooks ?? {});
    kyOptions.hooks = Object.fromEntries(
      hooks.map(([name, list]) => [name, list?.flatMap((hook) => aside.get(hook) ?? hook)]),
    );
    if (kyOptions.context?.tokenVault !== false) kyOptions.fetch = callFetch(d, kyOptions);
  };
}
