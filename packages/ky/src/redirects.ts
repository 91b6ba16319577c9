/**
 * The redirects of a request that carries the token, followed by the hooks (its `redirect` was
 * made `'manual'` in `beforeRequest`), the token header dropped before a hop off the origins.
 */
import {
  followRedirects,
  isAllowedOrigin,
  isReplayableBody,
  type ResolvedAdapterOptions,
} from '@tokvault/core/adapter';
import type { KyOptionsLike } from './kyCompat.js';

/** `followed(request, response, kyOptions, body)`: `response` with those redirects followed. */
export function redirectFollower(
  o: ResolvedAdapterOptions<Response>,
  baseFor: (kyOptions: KyOptionsLike) => string | URL | undefined,
  sender: (kyOptions: KyOptionsLike) => (request: Request) => Promise<Response>,
) {
  return function followed(request: Request, response: Response, kyOptions: KyOptionsLike, body: unknown) {
    const { url, method, headers, signal, redirect } = request;
    if (redirect !== 'manual' || kyOptions.redirect === 'manual' || !headers.has(o.header)) return response;
    const replay = isReplayableBody(body) ? (body as BodyInit | null) : undefined;
    return followRedirects(
      response,
      { url, method, headers, signal, body: replay },
      {
        header: o.header,
        allowed: (target) => isAllowedOrigin(target, o.origins, baseFor(kyOptions)),
        send: (target, init) => sender(kyOptions)(new Request(target, init)),
      },
    );
  };
}
