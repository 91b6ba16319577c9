/**
 * What both paths (ky 2's `fetch` wrapper, ky 1's `afterResponse` hook) do with the response to
 * a request that carried the token: follow its redirects, then resend it while the response asks
 * for it, within the ky call's budget (one DPoP nonce resend, one refresh resend).
 */
import type { Token, TokenVault } from '@tokvault/core';
import {
  authorize,
  isRefreshWorthy,
  isReplayableBody,
  type ResendBudget,
  type ResolvedAdapterOptions,
  resendStep,
} from '@tokvault/core/adapter';
import { followTokenRedirects } from './redirects.js';

/** One ky call (its retries included): the token its request carries and what it spent of its resend budget. */
export interface KyCall {
  token: Token;
  spent: ResendBudget;
}

/** How one response of a ky call is settled. */
export interface Settling {
  /** The request's base URL (the default `origins`). */
  base: string | URL | undefined;
  /** The adapter sent the request with `redirect: 'manual'`: follow its redirects here. */
  follow: boolean;
  /** The body to send again (see `replayBody`); asked only for a resend or a 307/308. */
  body: () => unknown;
  /** Sends a resend or a redirect hop. */
  send: (request: Request) => Promise<Response>;
}

/** `redirect: 'manual'`, as a `RequestInit`. */
export const MANUAL = { redirect: 'manual' } as const;

/**
 * The final response to `request` (of `call`, `undefined` when it carried no token): `response`
 * with its redirects followed, resent after a nonce or a refresh while one is due. A response
 * that is resent is read to its end (up to 64 KiB, so its connection is reused) or cancelled.
 */
export async function settle(
  o: ResolvedAdapterOptions<Response>,
  vault: TokenVault,
  call: KyCall | undefined,
  request: Request,
  response: Response,
  s: Settling,
): Promise<Response> {
  const follow = (sent: Request, received: Response) =>
    s.follow ? followTokenRedirects(o, sent, received, s.body, s.base, s.send) : received;
  let received = await follow(request, response);
  // most responses: a status that never resends, decided before any URL or body work
  if (!call || !(o.dpop || o.shouldRefresh || o.statusCodes.has(received.status))) return received;
  const body = s.body();
  if (!isReplayableBody(body)) return received;
  for (;;) {
    const refreshWorthy = () => isRefreshWorthy(o, received, s.base);
    const step = resendStep(o, request.url, received, call.spent, refreshWorthy);
    if (!step) return received;
    const length = Number(received.headers.get('content-length') || Number.NaN);
    (length <= 65_536 ? received.arrayBuffer() : received.body?.cancel())?.catch(() => {});
    // A DPoP nonce resend keeps the token; a refresh resend takes the refreshed one.
    if (step === 'refresh') {
      call.token = await vault.refresh({ staleToken: call.token, signal: request.signal });
    }
    const headers = new Headers(request.headers);
    await authorize(o, call.token, request.method, request.url, (name, value) => headers.set(name, value));
    if (body instanceof FormData) headers.delete('content-type'); // a new boundary
    const sent = new Request(request, { headers, body: body as BodyInit | null, ...(s.follow && MANUAL) });
    received = await follow(sent, await s.send(sent));
  }
}
