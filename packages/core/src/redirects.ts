/**
 * Redirects for fetch-based adapters: a request that carries the token is sent with
 * `redirect: 'manual'` and its redirects are followed here, the way fetch follows them, so that
 * the token header is dropped before a hop leaves the allowed origins. Exported through
 * `@tokvault/core/adapter`.
 */
import { isReplayableBody } from './adapter.js';
import { drainResponse } from './drain.js';

/** Statuses fetch follows. */
const REDIRECTS = new Set([301, 302, 303, 307, 308]);
/** fetch's redirect limit (Fetch standard, HTTP-redirect fetch step 5). */
const MAX_REDIRECTS = 20;
/** Headers that describe a body: dropped when a redirect turns the request into a body-less GET. */
const BODY_HEADERS = [
  'content-type',
  'content-length',
  'content-encoding',
  'content-language',
  'content-location',
];

/**
 * The request a redirect answered, as {@link followRedirects} needs it.
 *
 * @example
 * ```ts
 * declare const data: unknown; // the request's payload
 * const hop: RedirectHop = { url, method: 'POST', headers, signal, body: JSON.stringify(data) };
 * ```
 */
export interface RedirectHop {
  /** The absolute URL that answered with the redirect. */
  readonly url: string;
  /** The request method. */
  readonly method: string;
  /** The headers sent, the token header included. Not modified. */
  readonly headers: Headers;
  /** The request's abort signal, passed on to every hop. */
  readonly signal?: AbortSignal | null | undefined;
  /**
   * The body to send again on a 307/308: `null` for none, `undefined` when it cannot be sent
   * again (a stream), which fails such a hop as fetch fails it.
   */
  readonly body: BodyInit | null | undefined;
}

/**
 * What {@link followRedirects} needs from the adapter.
 *
 * @example
 * ```ts
 * const policy: RedirectPolicy = {
 *   header: 'Authorization',
 *   allowed: (url) => isAllowedOrigin(url, resolved.origins),
 *   send: (url, init) => globalThis.fetch(url, init),
 * };
 * ```
 */
export interface RedirectPolicy {
  /** The header that carries the token. */
  readonly header: string;
  /** Whether a URL may receive the token. */
  readonly allowed: (url: string) => boolean;
  /** Send one hop (the init always has `redirect: 'manual'`). */
  readonly send: (url: string, init: RequestInit) => Promise<Response>;
}

/**
 * Whether an adapter must send a request with `redirect: 'manual'` and follow its redirects
 * with {@link followRedirects}: the request's own mode is `follow` (the default) and the
 * runtime shows redirects to code. Browsers answer `manual` with an opaque response, so there
 * the browser follows them (it drops `Authorization` on a cross-origin hop; a custom header
 * reaches another origin only if that origin allows it through CORS).
 *
 * @param redirect - the request's `redirect` option, `undefined` for the default.
 * @example
 * ```ts
 * const manual = manualRedirects(init.redirect); // true in Node, Deno, Bun; false in browsers
 * ```
 */
export function manualRedirects(redirect: RequestRedirect | undefined): boolean {
  const scope = globalThis as { document?: unknown; importScripts?: unknown };
  return (redirect ?? 'follow') === 'follow' && scope.document === undefined && !scope.importScripts;
}

/**
 * Follow the redirects of `response`, the answer to `hop` sent with `redirect: 'manual'`, as
 * fetch would: at most 20, a 303 (and a 301/302 to a POST) becomes a body-less GET, a 307/308
 * sends the same method and body, `Authorization` is dropped on a cross-origin hop. The token
 * header (`policy.header`) is dropped before any hop to a URL that `policy.allowed` refuses.
 * Any other response is returned as is; the final one has the final `url` (and `redirected`).
 *
 * @throws TypeError as fetch fails: too many redirects, a non-HTTP(S) target, or a 307/308 for
 *   a body that cannot be sent again.
 * @example
 * <!-- snippet: fragment; an excerpt: `policy` comes from the code around it -->
 * ```ts
 * const first = await fetch(url, { ...init, headers, redirect: 'manual' });
 * const response = await followRedirects(first, { url, method, headers, signal, body }, policy);
 * ```
 */
export async function followRedirects(
  response: Response,
  hop: RedirectHop,
  policy: RedirectPolicy,
): Promise<Response> {
  let { url, method, body } = hop;
  let headers = hop.headers;
  let hops = 0;
  for (let location: string | null; REDIRECTS.has(response.status); ) {
    location = response.headers.get('location');
    if (location === null) break;
    void drainResponse(response);
    const next = new URL(location, url);
    if (++hops > MAX_REDIRECTS) throw new TypeError(`fetch failed: more than ${MAX_REDIRECTS} redirects`);
    if (next.protocol !== 'http:' && next.protocol !== 'https:') {
      throw new TypeError('fetch failed: redirect to a URL that is not HTTP(S)');
    }
    const status = response.status;
    const upper = method.toUpperCase();
    headers = new Headers(headers);
    if ((status === 303 && upper !== 'GET' && upper !== 'HEAD') || (status < 303 && upper === 'POST')) {
      [method, body] = ['GET', null];
      for (const name of BODY_HEADERS) headers.delete(name);
    } else if (body === undefined) {
      throw new TypeError(
        `fetch failed: a ${status} redirect needs the request body again, and it cannot be replayed`,
      );
    }
    if (body instanceof FormData) headers.delete('content-type'); // a new boundary
    if (new URL(url).origin !== next.origin) {
      headers.delete('authorization');
      headers.delete('dpop'); // a DPoP proof names the first URL: useless, and not for other eyes
    }
    if (!policy.allowed(next.href)) headers.delete(policy.header);
    url = next.href;
    response = await policy.send(url, {
      method,
      headers,
      body,
      redirect: 'manual',
      signal: hop.signal ?? null,
    });
  }
  if (hops > 0 && !response.redirected) Object.defineProperty(response, 'redirected', { value: true });
  return response;
}

/** A `fetch`-compatible function. */
type Fetch = (input: RequestInfo | URL, init?: RequestInit) => Promise<Response>;

/**
 * What {@link followManualRedirects} needs: a {@link RedirectPolicy} whose `send` is a `fetch`
 * (each hop gets the first send's init with the hop's fields over it).
 *
 * @example
 * ```ts
 * const policy: ManualRedirectPolicy = { header: 'Authorization', allowed: () => true, send: globalThis.fetch };
 * ```
 */
export interface ManualRedirectPolicy extends Omit<RedirectPolicy, 'send'> {
  /** The `fetch` that sends each hop. */
  readonly send: Fetch;
}

/**
 * `response`, the answer to `input` sent with `init` (`redirect: 'manual'`, the token header in
 * `init.headers`), with its redirects followed by {@link followRedirects}, each hop sent with
 * `policy.send` and the rest of `init`. A response that is not a redirect comes back as it is,
 * at once: the policy is made once per adapter, nothing is allocated per request.
 *
 * @param init - what the first send got: its `headers`, `method`, `signal` and `body` (a `Request`
 *   input's body already read into it, so that a 307/308 can send it again).
 * @example
 * <!-- snippet: fragment; an excerpt: `input`, `init` and `policy` come from the code around it -->
 * ```ts
 * const response = await followManualRedirects(await fetch(input, init), input, init, policy);
 * ```
 */
export function followManualRedirects(
  response: Response,
  input: RequestInfo | URL,
  init: RequestInit,
  policy: ManualRedirectPolicy,
): Response | Promise<Response> {
  if (!REDIRECTS.has(response.status)) return response;
  const request = input instanceof Request ? input : undefined;
  const { body } = init;
  const hop: RedirectHop = {
    url: request?.url ?? String(input),
    method: init.method ?? request?.method ?? 'GET',
    headers: new Headers(init.headers),
    signal: init.signal ?? request?.signal,
    body: isReplayableBody(body) ? (body ?? null) : undefined,
  };
  const { header, allowed, send } = policy;
  return followRedirects(response, hop, {
    header,
    allowed,
    send: (url, next) => send(url, { ...init, ...next }),
  });
}

/**
 * Wrap `send` (a `fetch`) so that a request carrying `header`, in fetch's default redirect
 * mode and outside browsers (see {@link manualRedirects}), is sent with `redirect: 'manual'`
 * and its redirects are followed by {@link followRedirects}: `header` never reaches a URL that
 * `allowed` refuses. Any other request is passed to `send` as it is. A body inside a `Request`
 * input is read once (`blob()`) so that a 307/308 can send it again, as fetch does.
 *
 * @example
 * ```ts
 * const origins = ['https://api.example.com'];
 * const guarded = redirectSafeFetch(globalThis.fetch, 'Authorization', (url) => isAllowedOrigin(url, origins));
 * const response = await guarded('https://api.example.com/me', { headers: { Authorization: 'Bearer …' } });
 * ```
 */
export function redirectSafeFetch(send: Fetch, header: string, allowed: (url: string) => boolean): Fetch {
  return async (input, init) => {
    const request = input instanceof Request ? input : undefined;
    const headers = new Headers(init?.headers ?? request?.headers);
    if (!headers.has(header) || !manualRedirects(init?.redirect ?? request?.redirect))
      return send(input, init);
    const body = init?.body !== undefined ? init.body : request?.body ? await request.blob() : null;
    const sent: RequestInit = { ...init, headers, body, redirect: 'manual' };
    return followManualRedirects(await send(input, sent), input, sent, { header, allowed, send });
  };
}
