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

/**
 * `response` (the answer to `request`) with its redirects followed; any other response as is,
 * without computing the body.
 *
 * @param body - the request body to send again on a 307/308 (a stream cannot be: such a hop fails).
 * @param base - the request's base URL (the default `origins`).
 * @param send - sends one hop.
 */
export function followTokenRedirects(
  o: ResolvedAdapterOptions<Response>,
  request: Request,
  response: Response,
  body: () => unknown,
  base: string | URL | undefined,
  send: (request: Request) => Promise<Response>,
): Response | Promise<Response> {
  if (response.status < 301 || response.status > 308) return response;
  const { url, method, headers, signal } = request;
  const replay = body();
  return followRedirects(
    response,
    {
      url,
      method,
      headers,
      signal,
      body: isReplayableBody(replay) ? (replay as BodyInit | null) : undefined,
    },
    {
      header: o.header,
      allowed: (target) => isAllowedOrigin(target, o.origins, base),
      send: (target, init) => send(new Request(target, init)),
    },
  );
}
