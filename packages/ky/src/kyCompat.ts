/**
 * What the hooks read of ky 1 and ky 2 options. ky 1 calls `beforeRequest(request, options,
 * state)` and `afterResponse(request, options, response, state)` with positional arguments (ky 2
 * never runs ours: its `init` hook takes them out); `beforeRetry` gets one state object in both.
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

/** The state object of `beforeRetry` (ky 1 and ky 2). */
export interface RetryState {
  request: Request;
  options: KyOptionsLike;
  error: unknown;
}

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
