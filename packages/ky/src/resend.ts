/**
 * What both paths (ky 2's `fetch` wrapper, ky 1's `afterResponse` hook) do with the response to
 * a request that carried the token: follow its redirects (the adapter sent it with `redirect:
 * 'manual'`; the token header is dropped before a hop off the origins), then resend it while the
 * response asks for it, within the ky call's budget (one DPoP nonce resend, one refresh resend).
 */
import type { Token, TokenVault } from '@tokvault/core';
import {
  authorize,
  drainResponse,
  followRedirects,
  isAllowedOrigin,
  isRefreshWorthy,
  isReplayableBody,
  manualRedirects,
  type ResendBudget,
  type ResolvedAdapterOptions,
  resendStep,
  resolveAdapterOptions,
} from '@tokvault/core/adapter';
import { baseFor, type KyOptionsLike, replayBody } from './kyCompat.js';

// One import of `@tokvault/core/adapter` for the package: the bundle repeats no import list.
export { authorize, isAllowedOrigin, manualRedirects, resolveAdapterOptions };

/** One ky call (its retries included): the token its request carries and what it spent of its resend budget. */
export interface KyCall {
  token: Token;
  spent: ResendBudget;
}

/**
 * `response` (the answer to `request` of a ky call with `kyOptions`) with its redirects
 * followed, each hop sent with `send`; any other response as it is, without more work. A
 * 307/308 sends the body again (one that cannot be sent again fails that hop, as in fetch).
 */
export function followTokenRedirects(
  o: ResolvedAdapterOptions<Response>,
  request: Request,
  response: Response,
  kyOptions: KyOptionsLike,
  send: (request: Request) => Promise<Response>,
): Response | Promise<Response> {
  if (response.status < 301 || response.status > 308) return response;
  const { url, method, headers, signal } = request;
  const body = replayBody(kyOptions, request);
  return followRedirects(
    response,
    { url, method, headers, signal, body: isReplayableBody(body) ? (body as BodyInit | null) : undefined },
    {
      header: o.header,
      allowed: (target) => isAllowedOrigin(target, o.origins, baseFor(kyOptions)),
      send: (target, init) => send(new Request(target, init)),
    },
  );
}

/** `redirect: 'manual'`, as a `RequestInit`. */
export const MANUAL = { redirect: 'manual' } as const;

/**
 * Whether {@link settle} has anything to do with `response`: a redirect to follow, or a status
 * that may ask for a resend. Most responses: no, decided before any URL or body work.
 */
export const settles = (o: ResolvedAdapterOptions<Response>, response: Response, follow: boolean): boolean =>
  (follow && response.status > 300 && response.status < 309) ||
  !!(o.dpop || o.shouldRefresh || o.statusCodes.has(response.status));

/**
 * The final response to `request` of `call` (a ky call with `kyOptions`): `response` with its
 * redirects followed when `follow` (the adapter made them manual), resent with `send` after a
 * nonce or a refresh while one is due.
 */
export async function settle(
  o: ResolvedAdapterOptions<Response>,
  vault: TokenVault,
  call: KyCall,
  request: Request,
  response: Response,
  kyOptions: KyOptionsLike,
  follow: boolean,
  send: (request: Request) => Promise<Response>,
): Promise<Response> {
  let received = follow ? await followTokenRedirects(o, request, response, kyOptions, send) : response;
  if (!settles(o, received, false)) return received;
  const body = replayBody(kyOptions, request);
  if (!isReplayableBody(body)) return received;
  const { url } = request;
  for (;;) {
    const refreshWorthy = () => isRefreshWorthy(o, received, baseFor(kyOptions));
    const step = resendStep(o, url, received, call.spent, refreshWorthy);
    if (!step) return received;
    void drainResponse(received); // its connection carries the resend
    // A DPoP nonce resend keeps the token; a refresh resend takes the refreshed one.
    if (step === 'refresh') {
      call.token = await vault.refresh({ staleToken: call.token, signal: request.signal });
    }
    const headers = new Headers(request.headers);
    await authorize(o, call.token, request.method, url, (name, value) => headers.set(name, value));
    if (body instanceof FormData) headers.delete('content-type'); // a new boundary
    const sent = new Request(request, { headers, body: body as BodyInit | null, ...(follow && MANUAL) });
    received = await send(sent);
    if (follow) received = await followTokenRedirects(o, sent, received, kyOptions, send);
  }
}
