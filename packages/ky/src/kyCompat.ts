/**
 * ky 1 calls hooks with positional arguments (`beforeRequest(request, options, state)`,
 * `afterResponse(request, options, response, state)`); ky 2 with one state object. These
 * helpers read both, so one build of the hooks serves ky 1.14+ and ky 2.
 */

/** A `fetch` as ky calls it: ky's `Request` and the options ky does not know (e.g. undici's `dispatcher`). */
export type KyFetch = (request: Request, init?: RequestInit) => Promise<Response>;

/** The fields of ky 1 and ky 2 options (normalised for hooks, as given for ky 2 `init`) the hooks read. */
export interface KyOptionsLike {
  prefix?: unknown;
  prefixUrl?: unknown;
  baseUrl?: unknown;
  body?: unknown;
  /** ky 2 `init` only: the body is still `json`, stringified by ky later. */
  json?: unknown;
  stringifyJson?: (data: unknown) => string;
  context?: Record<string, unknown>;
  signal?: AbortSignal | null;
  redirect?: RequestRedirect;
  fetch?: KyFetch;
  /** ky 2 `init` only: this call's hooks (replaceable there). */
  hooks?: Record<string, unknown[] | undefined>;
}

/** A hook call of either major, read into one shape. */
export interface HookArgs {
  request: Request;
  options: KyOptionsLike;
  response?: Response | undefined;
  error?: unknown;
}

/**
 * ky 1 `beforeRequest(request, options, state)` / `afterResponse(request, options, response, state)`;
 * ky 2 (and ky 1 `beforeRetry`): `({ request, options, … })`.
 */
export const readHookArgs = (first: unknown, rest: unknown[]): HookArgs =>
  first instanceof Request
    ? { request: first, options: (rest[0] ?? {}) as KyOptionsLike, response: rest[1] as Response | undefined }
    : (first as HookArgs);

/** A usable base URL value: a non-empty string or a `URL`. */
const usable = (value: unknown): value is string | URL =>
  (typeof value === 'string' && value !== '') || value instanceof URL;

/**
 * The request's base URL as given: ky 2 `baseUrl` or `prefix`, ky 1 `prefixUrl` (a relative one
 * resolves against the page); with none, in a browser the page (as for a same-origin fetch).
 */
export const baseFor = ({ baseUrl, prefix, prefixUrl }: KyOptionsLike): string | URL | undefined =>
  usable(baseUrl)
    ? baseUrl
    : usable(prefix)
      ? prefix
      : usable(prefixUrl)
        ? prefixUrl
        : globalThis.location?.href;

/**
 * The body to send again on a resend or a 307/308: ky's `body` (ky 2's `init` sees `json`
 * before ky stringifies it), else the request's own (`null`, or a stream: a body inside a
 * `Request` input, which cannot be sent again).
 */
export const replayBody = ({ body, json, stringifyJson }: KyOptionsLike, request: Request): unknown =>
  body ?? (json === undefined ? request.body : (stringifyJson ?? JSON.stringify)(json));
