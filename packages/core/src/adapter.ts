/**
 * Option parsing and decisions shared by the client adapters (axios, ky, fetch). Tiny on
 * purpose: adapters stay thin and agree on what "allowed origin" and "refresh-worthy" mean.
 */
import type { Token } from './token.js';

/**
 * Options every client adapter accepts. `TResponse` is the client's response type.
 *
 * @example
 * ```ts
 * const options: AdapterOptions<Response> = { origins: 'https://api.example.com', statusCodes: [401, 419] };
 * ```
 */
export interface AdapterOptions<TResponse = Response> {
  /**
   * Which URLs get the token: an origin (`'https://api.example.com'`), a list of origins, or
   * `'*'` for every origin. A URL's path is ignored, only its origin counts.
   * @default the client's base URL origin (axios `baseURL`, ky `prefix`/`baseUrl`/`prefixUrl`, fetch: the page's origin in a browser)
   */
  origins?: string | readonly string[] | undefined;
  /**
   * Response statuses that trigger a refresh and one retry. A response whose
   * `WWW-Authenticate` says `insufficient_scope` never does (a new token would not help).
   * @default [401]
   */
  statusCodes?: readonly number[] | undefined;
  /**
   * Decide yourself whether a response calls for a refresh; replaces the `statusCodes` check.
   * @default undefined (use `statusCodes`)
   * @example
   * ```ts
   * shouldRefresh: (response) => response.status === 401 || response.headers.get('x-token-expired') === '1'
   * ```
   */
  shouldRefresh?: ((response: TResponse) => boolean) | undefined;
  /**
   * The request header that carries the token.
   * @default 'Authorization'
   */
  header?: string | undefined;
  /**
   * Build the header value from the token.
   * @default (token) => `${token.tokenType} ${token.accessToken}`
   */
  formatHeader?: ((token: Token) => string) | undefined;
}

/**
 * Validated {@link AdapterOptions}, as returned by {@link resolveAdapterOptions}.
 *
 * @example
 * ```ts
 * const resolved: ResolvedAdapterOptions<Response> = resolveAdapterOptions('createAuthFetch', { origins: '*' });
 * ```
 */
export interface ResolvedAdapterOptions<TResponse = Response> {
  /** Normalised origins, `'*'`, or `undefined` (fall back to the request's base URL). */
  readonly origins: readonly string[] | '*' | undefined;
  /** Statuses that trigger a refresh. */
  readonly statusCodes: ReadonlySet<number>;
  /** The user's decision function, if any. */
  readonly shouldRefresh: ((response: TResponse) => boolean) | undefined;
  /** Header name. */
  readonly header: string;
  /** Header value builder. */
  readonly formatHeader: (token: Token) => string;
}

/**
 * The default header value: `"<tokenType> <accessToken>"`, e.g. `Bearer eyJ…`.
 *
 * @example
 * ```ts
 * headers.set('Authorization', formatAuthHeader(await vault.getToken()));
 * ```
 */
export function formatAuthHeader(token: Token): string {
  return `${token.tokenType} ${token.accessToken}`;
}

const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

function fail(api: string, option: string, must: string): never {
  throw new TypeError(`${api}: option "${option}" ${must}`);
}

function toOrigin(api: string, value: unknown): string {
  if (typeof value === 'string') {
    try {
      const { origin, protocol } = new URL(value);
      if (protocol === 'http:' || protocol === 'https:') return origin;
    } catch {}
  }
  return fail(
    api,
    'origins',
    "must be an http(s) origin or URL (e.g. 'https://api.example.com'), a list, or '*'",
  );
}

/**
 * Validate adapter options; invalid ones throw a `TypeError` naming the option.
 * With `requireOrigins` and neither `origins` nor a base URL, it throws a `TypeError` that
 * explains how to pass `origins`.
 *
 * @param api - the public function name, used in error messages (`'createAuthFetch'`).
 * @example
 * ```ts
 * const o = resolveAdapterOptions('attachTokenVault', options, { requireOrigins: true, baseUrl: instance.defaults.baseURL });
 * ```
 */
export function resolveAdapterOptions<TResponse>(
  api: string,
  options: AdapterOptions<TResponse> = {},
  context: { requireOrigins?: boolean; baseUrl?: string | URL | undefined } = {},
): ResolvedAdapterOptions<TResponse> {
  if (typeof options !== 'object' || options === null)
    throw new TypeError(`${api}: options must be an object`);
  const { origins, statusCodes = [401], shouldRefresh, header = 'Authorization', formatHeader } = options;
  let resolvedOrigins: readonly string[] | '*' | undefined;
  if (origins === '*') resolvedOrigins = '*';
  else if (typeof origins === 'string') resolvedOrigins = [toOrigin(api, origins)];
  else if (Array.isArray(origins)) {
    if (origins.length === 0) fail(api, 'origins', "must not be empty (use '*' for every origin)");
    resolvedOrigins = origins.map((origin) => toOrigin(api, origin));
  } else if (origins !== undefined) toOrigin(api, origins);
  if (context.requireOrigins && resolvedOrigins === undefined && !context.baseUrl) {
    fail(
      api,
      'origins',
      "is required: pass origins: 'https://api.example.com' (or a list, or '*' for every origin)",
    );
  }
  if (!Array.isArray(statusCodes) || !statusCodes.every((s) => Number.isInteger(s) && s >= 100 && s <= 599)) {
    fail(api, 'statusCodes', 'must be an array of HTTP status codes (100-599)');
  }
  if (shouldRefresh !== undefined && typeof shouldRefresh !== 'function')
    fail(api, 'shouldRefresh', 'must be a function');
  if (typeof header !== 'string' || !HEADER_NAME.test(header))
    fail(api, 'header', 'must be a valid HTTP header name');
  if (formatHeader !== undefined && typeof formatHeader !== 'function')
    fail(api, 'formatHeader', 'must be a function');
  return {
    origins: resolvedOrigins,
    statusCodes: new Set(statusCodes),
    shouldRefresh,
    header,
    formatHeader: formatHeader ?? formatAuthHeader,
  };
}

/**
 * Whether `url` may carry the token: its origin is in `origins`, or, when `origins` is
 * `undefined`, equals the origin of `base`. A URL that cannot be resolved never may.
 *
 * @example
 * ```ts
 * isAllowedOrigin('https://api.example.com/users', ['https://api.example.com']); // true
 * isAllowedOrigin('/users', undefined, 'https://api.example.com/v1/'); // true
 * ```
 */
export function isAllowedOrigin(
  url: string | URL,
  origins: readonly string[] | '*' | undefined,
  base?: string | URL | undefined,
): boolean {
  if (origins === '*') return true;
  try {
    const { origin } = new URL(url, base);
    if (origins) return origins.includes(origin);
    return base !== undefined && origin === new URL(base).origin;
  } catch {
    return false;
  }
}

/**
 * Whether a response calls for a refresh and one retry: the user's `shouldRefresh` if given,
 * else a status in `statusCodes` without `insufficient_scope` in `WWW-Authenticate`.
 *
 * @example
 * ```ts
 * if (isRefreshWorthy(resolved, response, response.status, response.headers.get('www-authenticate'))) { … }
 * ```
 */
export function isRefreshWorthy<TResponse>(
  options: ResolvedAdapterOptions<TResponse>,
  response: TResponse,
  status: number,
  wwwAuthenticate: string | null | undefined,
): boolean {
  if (options.shouldRefresh) return options.shouldRefresh(response);
  return options.statusCodes.has(status) && !/insufficient_scope/i.test(wwwAuthenticate ?? '');
}

/**
 * Whether a request body can be sent again as is (a retry) without buffering it: a string,
 * `Blob`, `ArrayBuffer`, typed array or `DataView`, `FormData` or `URLSearchParams`. A
 * `ReadableStream` (or any other body) can be read only once.
 *
 * @example
 * ```ts
 * isReplayableBody(JSON.stringify({ a: 1 })); // true
 * isReplayableBody(file.stream()); // false
 * ```
 */
export function isReplayableBody(body: unknown): boolean {
  return (
    typeof body === 'string' ||
    body instanceof ArrayBuffer ||
    ArrayBuffer.isView(body) ||
    (typeof Blob !== 'undefined' && body instanceof Blob) ||
    (typeof FormData !== 'undefined' && body instanceof FormData) ||
    body instanceof URLSearchParams
  );
}
