/**
 * The redirects of a request that carries the token, followed by the adapter (it sent the
 * request with `redirect: 'manual'`), the token header dropped before a hop off the origins.
 */
import {
  followRedirects,
  isAllowedOrigin,
  isReplayableBody,
  type ResolvedAdapterOptions,
} from '@tokvault/core/adapter';
import { baseFor, type KyOptionsLike, replayBody } from './kyCompat.js';

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
