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

const isRequest = (value: unknown): value is Request =>
  value instanceof Request || Object.prototype.toString.call(value) === '[object Request]';

/** ky 1: `(request, options, response?, state)`; ky 2 (and ky 1 `beforeRetry`): `({ request, options, … })`. */
export function readHookArgs(first: unknown, rest: unknown[]): HookArgs {
  if (isRequest(first)) {
    const response = rest[1] instanceof Response ? rest[1] : undefined;
    return { request: first, options: (rest[0] ?? {}) as KyOptionsLike, response };
  }
  return first as HookArgs;
}

/** A usable base URL value: a non-empty string or a `URL`. */
const usable = (value: unknown): value is string | URL =>
  (typeof value === 'string' && value !== '') || value instanceof URL;

/** The request's base URL as given: ky 2 `baseUrl` or `prefix`, ky 1 `prefixUrl` (a relative one resolves against the page). */
export function baseOf({ baseUrl, prefix, prefixUrl }: KyOptionsLike): string | URL | undefined {
  return usable(baseUrl) ? baseUrl : usable(prefix) ? prefix : usable(prefixUrl) ? prefixUrl : undefined;
}

/**
 * The body to send again on a resend or a 307/308: ky's `body` (ky 2's `init` sees `json`
 * before ky stringifies it), else the request's own (`null`, or a stream: a body inside a
 * `Request` input, which cannot be sent again).
 */
export const replayBody = ({ body, json, stringifyJson }: KyOptionsLike, request: Request): unknown =>
  body ?? (json === undefined ? request.body : (stringifyJson ?? JSON.stringify)(json));
