/**
 * `@tokvault/core/adapter`: option parsing and decisions shared by the client adapters (axios,
 * ky, fetch). Tiny on purpose: adapters stay thin and agree on what "allowed origin",
 * "refresh-worthy" and "replayable body" mean. For adapter authors; apps never need it.
 */
import { responseHeader } from './authorize.js';
import { checkOptions, type OptionRule } from './checkOptions.js';
import type { Dpop } from './dpopTypes.js';
import { TokVaultError } from './errors.js';
import { headerValueFault } from './headerValue.js';
import type { Token } from './token.js';
import type { TokenVault } from './vault.js';

// For stores too (`@tokvault/redis`): their lease and polling timers are background work.
export { unrefTimer } from './abort.js';
export { authorize, type ResendBudget, resendStep } from './authorize.js';
export { drainResponse } from './drain.js';
export { freshToken } from './freshToken.js';
export {
  followManualRedirects,
  followRedirects,
  type ManualRedirectPolicy,
  manualRedirects,
  type RedirectHop,
  type RedirectPolicy,
  redirectSafeFetch,
} from './redirects.js';

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
   * @example
   * ```ts
   * origins: ['https://api.example.com', 'https://files.example.com']
   * ```
   */
  origins?: string | readonly string[] | undefined;
  /**
   * Response statuses that trigger a refresh and one retry. A response whose
   * `WWW-Authenticate` says `insufficient_scope` never does (a new token would not help).
   * @default [401]
   * @example
   * ```ts
   * statusCodes: [401, 419]
   * ```
   */
  statusCodes?: readonly number[] | undefined;
  /**
   * Decide yourself whether a response calls for a refresh; replaces the `statusCodes` check.
   * @default undefined (use `statusCodes`)
   * @example
   * <!-- snippet: fragment; an option's value: the option's type gives its parameter's -->
   * ```ts
   * shouldRefresh: (response) => response.status === 401 || response.headers.get('x-token-expired') === '1'
   * ```
   */
  shouldRefresh?: ((response: TResponse) => boolean) | undefined;
  /**
   * The request header that carries the token.
   * @default 'Authorization'
   * @example
   * ```ts
   * header: 'X-Api-Token'
   * ```
   */
  header?: string | undefined;
  /**
   * Build the header value from the token.
   * @default (token) => `${token.tokenType} ${token.accessToken}`
   * @example
   * <!-- snippet: fragment; an option's value: the option's type gives its parameter's -->
   * ```ts
   * formatHeader: (token) => `Token ${token.accessToken}`
   * ```
   */
  formatHeader?: ((token: Token) => string) | undefined;
}

/**
 * What an adapter knows about its client when it resolves its options with
 * {@link resolveAdapterOptions}.
 *
 * @example
 * ```ts
 * const context: AdapterContext = { requireOrigins: true, baseUrl: instance.defaults.baseURL };
 * ```
 */
export interface AdapterContext {
  /**
   * Throw a `TypeError` explaining `origins` when neither `origins` nor a usable `baseUrl` is given.
   * @default false
   */
  requireOrigins?: boolean | undefined;
  /**
   * The client's base URL; its origin is the default `origins`. A relative one (`'/api'`)
   * resolves against the page (`globalThis.location`); one that cannot be resolved counts as none.
   * @default undefined
   */
  baseUrl?: string | URL | undefined;
  /**
   * The adapter's own options beyond the shared {@link AdapterOptions}, with their rules (fetch
   * and ky take `fetch`). Any other key is an unknown option: each adapter accepts exactly its own.
   * @default undefined (the shared options only)
   * @example
   * <!-- snippet: fragment; an option's value: the option's type gives its parameter's -->
   * ```ts
   * ownOptions: { fetch: [(value) => typeof value === 'function', 'a function'] }
   * ```
   */
  ownOptions?: Readonly<Record<string, OptionRule>> | undefined;
}

/**
 * Validated {@link AdapterOptions}, as returned by {@link resolveAdapterOptions}.
 *
 * @example
 * ```ts
 * const resolved: ResolvedAdapterOptions<Response> = resolveAdapterOptions('createAuthFetch', vault, { origins: '*' });
 * ```
 */
export interface ResolvedAdapterOptions<TResponse = Response> {
  /**
   * Normalised origins, or `'*'`. Without `origins`, the base URL's origin; `undefined` only
   * when there was no base URL either (ky: fall back to each request's base).
   */
  readonly origins: readonly string[] | '*' | undefined;
  /** Statuses that trigger a refresh. */
  readonly statusCodes: ReadonlySet<number>;
  /** The user's decision function, if any. */
  readonly shouldRefresh: ((response: TResponse) => boolean) | undefined;
  /** Header name. */
  readonly header: string;
  /** Header value builder. */
  readonly formatHeader: (token: Token) => string;
  /** The vault's DPoP handle (`vault.dpop`): DPoP tokens get a proof per request. */
  readonly dpop: Dpop | undefined;
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

/** An HTTP header name (RFC 9110 token): letters, digits and ``!#$%&'*+-.^_`|~``. */
const HEADER_NAME = /^[\w!#$%&'*+.^`|~-]+$/;

function fail(api: string, option: string, must: string): never {
  throw new TypeError(`${api}: option "${option}" ${must}`);
}

/** The page's URL in a browser (relative URLs resolve against it), else `undefined`. */
const page = (): string | undefined => globalThis.location?.href;

/** The origin of an absolute http(s) URL, else `''` (relative, another scheme, not a URL at all). */
function httpOrigin(value: unknown): string {
  try {
    const { origin, protocol } = new URL(typeof value === 'string' ? value : '');
    if (protocol === 'http:' || protocol === 'https:') return origin;
  } catch {}
  return '';
}

function toOrigin(api: string, value: unknown): string {
  return (
    httpOrigin(value) ||
    fail(
      api,
      'origins',
      "must be an http(s) origin or URL (e.g. 'https://api.example.com'), a non-empty list of them, or '*'",
    )
  );
}

const isFunction: OptionRule = [(value) => typeof value === 'function', 'a function'];

/** The shared options every adapter accepts: a misspelt one fails loudly instead of being ignored. */
const RULES: Record<keyof AdapterOptions, OptionRule> = {
  origins: true, // checked with the base URL below
  statusCodes: [
    (value) => Array.isArray(value) && value.every((s) => Number.isInteger(s) && s >= 100 && s <= 599),
    'an array of HTTP status codes (100-599)',
  ],
  shouldRefresh: isFunction,
  header: [(value) => typeof value === 'string' && HEADER_NAME.test(value), 'a valid HTTP header name'],
  formatHeader: isFunction,
};

/**
 * Validate an adapter's vault and options; invalid ones throw a `TypeError` naming them.
 * The known options are the shared ones plus `context.ownOptions`; any other is unknown.
 * Without `origins`, the origin of `context.baseUrl` (resolved against the page if relative)
 * becomes the allowed origin. With `context.requireOrigins` and neither, it throws a
 * `TypeError` that explains how to pass `origins`.
 *
 * @param api - the public function name, used in error messages (`'createAuthFetch'`).
 * @param vault - the `TokenVault` the adapter uses.
 * @param options - the adapter's options.
 * @param context - what the adapter knows about its client, see {@link AdapterContext}.
 * @throws TypeError naming `vault` or the invalid option.
 * @example
 * ```ts
 * const o = resolveAdapterOptions('attachTokenVault', vault, options, {
 *   requireOrigins: true,
 *   baseUrl: instance.defaults.baseURL,
 * });
 * ```
 */
export function resolveAdapterOptions<TResponse>(
  api: string,
  vault: TokenVault,
  options: AdapterOptions<TResponse> = {},
  context: AdapterContext = {},
): ResolvedAdapterOptions<TResponse> {
  let base: string | undefined;
  try {
    if (context.baseUrl) base = new URL(context.baseUrl, page()).origin;
  } catch {}
  if (typeof vault?.getToken !== 'function' || typeof vault.refresh !== 'function') {
    throw new TypeError(`${api}: "vault" must be a TokenVault from createTokenVault()`);
  }
  checkOptions(api, options, context.ownOptions ? { ...RULES, ...context.ownOptions } : RULES);
  const { origins, statusCodes = [401], header = 'Authorization' } = options;
  let resolvedOrigins: readonly string[] | '*' | undefined = base ? [base] : undefined;
  if (origins === '*') resolvedOrigins = '*';
  else if (Array.isArray(origins) && origins.length > 0) {
    resolvedOrigins = origins.map((origin) => toOrigin(api, origin));
  } else if (origins !== undefined) resolvedOrigins = [toOrigin(api, origins)]; // fails for [] too
  if (context.requireOrigins && !resolvedOrigins) {
    fail(
      api,
      'origins',
      "is required: pass origins: 'https://api.example.com' (or a list, or '*' for every origin)",
    );
  }
  return {
    origins: resolvedOrigins,
    statusCodes: new Set(statusCodes),
    shouldRefresh: options.shouldRefresh,
    header,
    // The default needs no check per request: a vault token's type and value are header words.
    formatHeader: options.formatHeader ? checkedFormatHeader(api, options.formatHeader) : formatAuthHeader,
    dpop: vault.dpop,
  };
}

/**
 * `formatHeader` whose every result is checked before any header is set: a value that is not a
 * valid header value throws a `TokVaultError` naming `formatHeader` and what is wrong, never
 * the value itself (it holds the token). The request then fails before anything is sent.
 */
function checkedFormatHeader(api: string, format: (token: Token) => string): (token: Token) => string {
  return (token) => {
    const value = format(token);
    const fault = headerValueFault(value, false);
    if (fault === undefined) return value;
    throw new TokVaultError(
      `${api}: option "formatHeader" returned a value that is not a valid header value (${fault}); the request was not sent`,
    );
  };
}

/** Absolute http(s) base URLs already parsed, with their origin ('' for any other base). */
const baseOrigins = new Map<string, string>();

/** The origin of an absolute http(s) `base`, parsed once per distinct string; else `undefined`. */
function absoluteOrigin(base: string | URL | undefined): string | undefined {
  if (typeof base !== 'string') return undefined;
  let origin = baseOrigins.get(base);
  if (origin === undefined) {
    // `''` for a relative base: resolved against the page on the slow path, which may change.
    origin = httpOrigin(base);
    if (baseOrigins.size >= 64) baseOrigins.clear();
    baseOrigins.set(base, origin);
  }
  return origin || undefined;
}

/** `url` is `origin` followed by `/`: then parsing it yields exactly that (serialised) origin. */
const startsWithOrigin = (url: string, origin: string): boolean =>
  url.charCodeAt(origin.length) === 47 && url.startsWith(origin);

/**
 * Whether `url` may carry the token: its origin is in `origins` (or `origins` is `'*'`), or,
 * when `origins` is `undefined`, equals the origin of `base`. A relative `url` resolves against
 * `base`, a relative `base` against the page (`globalThis.location`); a URL that cannot be
 * resolved never may.
 *
 * Fast path (no URL parsing): a string `url` that starts with an allowed origin followed by `/`,
 * which is how almost every request URL looks; anything else is parsed.
 *
 * @param url - the request URL.
 * @param origins - {@link ResolvedAdapterOptions.origins} (normalised origins, as `resolveAdapterOptions` returns them).
 * @param base - the request's base URL, if the client has one per request (ky).
 * @example
 * ```ts
 * isAllowedOrigin('https://api.example.com/users', ['https://api.example.com']); // true
 * isAllowedOrigin('https://api.example.com/users', undefined, 'https://api.example.com/v1/'); // true
 * ```
 */
export function isAllowedOrigin(
  url: string | URL,
  origins: readonly string[] | '*' | undefined,
  base?: string | URL | undefined,
): boolean {
  if (origins === '*') return true;
  if (typeof url === 'string') {
    if (origins) {
      for (const origin of origins) if (startsWithOrigin(url, origin)) return true;
    } else {
      const origin = absoluteOrigin(base);
      if (origin && startsWithOrigin(url, origin)) return true;
    }
  }
  try {
    const root = base === undefined ? undefined : new URL(base, page());
    const { origin } = new URL(url, root ?? page());
    // An opaque origin ('null': file:, data:, blob:) never matches: it names no server.
    return origin !== 'null' && (origins ? origins.includes(origin) : origin === root?.origin);
  } catch {
    return false;
  }
}

/**
 * Whether a response calls for a refresh and one retry: never when it came from an origin
 * that may not get the token (a `response.url`, as fetch reports it after redirects, outside
 * `origins`: a foreign 401 says nothing about our token); else the user's `shouldRefresh` if
 * given, else a status in `statusCodes` without `insufficient_scope` in `WWW-Authenticate` (nor
 * DPoP's `use_dpop_nonce` or `invalid_dpop_proof`: a new token would not help). The
 * challenge is read with `response.headers.get()` (fetch `Headers`, `AxiosHeaders`) or, for
 * plain header objects, the lower-case `www-authenticate` key.
 *
 * @param base - the request's base URL when `origins` derives from it (ky), as for {@link isAllowedOrigin}.
 * @example
 * ```ts
 * if (isRefreshWorthy(resolved, response)) retryOnce(); // refresh and retry once
 * ```
 */
export function isRefreshWorthy<TResponse extends { readonly status: number; readonly headers?: unknown }>(
  options: ResolvedAdapterOptions<TResponse>,
  response: TResponse,
  base?: string | URL | undefined,
): boolean {
  const { shouldRefresh } = options;
  // Most responses stop here, before their URL is read (fetch serialises it at each read).
  if (!shouldRefresh && !options.statusCodes.has(response.status)) return false;
  const { url } = response as { url?: unknown };
  if (typeof url === 'string' && url !== '' && !isAllowedOrigin(url, options.origins, base)) return false;
  if (shouldRefresh) return shouldRefresh(response);
  const challenge = responseHeader(response.headers, 'www-authenticate') ?? '';
  return !/insufficient_scope|use_dpop_nonce|invalid_dpop_proof/i.test(challenge);
}

/**
 * Whether a request body can be sent again as is (a retry): anything but a stream. A web
 * `ReadableStream`, a Node stream (including the `form-data` package) or an async iterable is
 * consumed by the first send; strings, `Blob`, `ArrayBuffer` and views, `FormData`,
 * `URLSearchParams`, plain objects and "no body" (`undefined`/`null`) are replayable.
 *
 * @example
 * ```ts
 * isReplayableBody(JSON.stringify({ a: 1 })); // true
 * isReplayableBody(file.stream()); // false
 * ```
 */
export function isReplayableBody(body: unknown): boolean {
  const candidate = body as
    | { pipe?: unknown; getReader?: unknown; [Symbol.asyncIterator]?: unknown }
    | null
    | undefined;
  return (
    typeof candidate?.pipe !== 'function' &&
    typeof candidate?.getReader !== 'function' &&
    typeof candidate?.[Symbol.asyncIterator] !== 'function'
  );
}

export { checkOptions, invalidOption, type OptionRule } from './checkOptions.js';
