/**
 * Options shared by the OAuth 2.0 token sources, and their validation.
 */
import type { FetchTokenContext } from '../options.js';
import type { TokenResponse } from '../token.js';

/**
 * How the client authenticates at the token endpoint (RFC 6749 §2.3.1).
 *
 * @example
 * ```ts
 * clientCredentials({ tokenUrl, clientId, clientSecret, authMethod: 'client_secret_post' });
 * ```
 */
export type ClientAuthMethod = 'client_secret_basic' | 'client_secret_post';

/**
 * What the OAuth 2.0 sources return: a `fetchToken` for `createTokenVault` that always resolves
 * to a `TokenResponse` (so tests and wrappers can read its fields without narrowing).
 *
 * @example
 * ```ts
 * const source: TokenSource = clientCredentials({ tokenUrl, clientId, clientSecret });
 * const vault = createTokenVault({ fetchToken: source });
 * ```
 */
export type TokenSource = (context: FetchTokenContext) => Promise<TokenResponse>;

/**
 * A `fetch`-compatible function.
 *
 * @example
 * ```ts
 * const loggingFetch: FetchLike = (input, init) => { console.debug('token request'); return fetch(input, init); };
 * ```
 */
export type FetchLike = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

/**
 * Options every token source accepts.
 *
 * @example
 * ```ts
 * const common: TokenEndpointOptions = { tokenUrl: 'https://auth.example.com/oauth/token', clientId: 'app' };
 * ```
 */
export interface TokenEndpointOptions {
  /** The token endpoint: an absolute URL, or a path (`/oauth/token`) where `fetch` resolves one (browsers). */
  tokenUrl: string | URL;
  /** The `client_id`. */
  clientId: string;
  /**
   * How to send the client secret: HTTP Basic (form-encoded id and secret, as RFC 6749 §2.3.1
   * asks) or `client_id`/`client_secret` body parameters.
   * @default 'client_secret_basic'
   */
  authMethod?: ClientAuthMethod | undefined;
  /**
   * `scope` to request: a space-delimited string or a list.
   * @default undefined (the server's default)
   */
  scope?: string | readonly string[] | undefined;
  /**
   * The `fetch` to use. Unset: `globalThis.fetch`, looked up at every call (so MSW and test
   * doubles installed later apply).
   * @default globalThis.fetch
   */
  fetch?: FetchLike | undefined;
  /**
   * Extra request headers (e.g. a `User-Agent`). `Content-Type` and, with Basic auth,
   * `Authorization` are set by the source.
   * @default {}
   */
  headers?: Readonly<Record<string, string>> | undefined;
}

/** Validated endpoint options. */
export interface ResolvedEndpoint {
  tokenUrl: string | URL;
  /** Origin and path, for messages (never the query). */
  where: string;
  clientId: string;
  clientSecret: string | undefined;
  authMethod: ClientAuthMethod;
  scope: string | undefined;
  fetch: FetchLike | undefined;
  headers: Readonly<Record<string, string>>;
}

/** Throw a `TypeError` naming the option. */
export function invalid(source: string, option: string, expected: string): never {
  throw new TypeError(`${source}: option "${option}" must be ${expected}`);
}

/** Check an optional non-empty string option. */
export function optionalString(source: string, option: string, value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value === '') invalid(source, option, 'a non-empty string');
  return value;
}

function resolveUrl(source: string, value: unknown): { tokenUrl: string | URL; where: string } {
  if (value instanceof URL) return { tokenUrl: value, where: value.origin + value.pathname };
  if (typeof value === 'string' && value.startsWith('/'))
    return { tokenUrl: value, where: value.split('?')[0]! };
  if (typeof value === 'string' && URL.canParse(value)) {
    const url = new URL(value);
    if (url.protocol === 'http:' || url.protocol === 'https:')
      return { tokenUrl: value, where: url.origin + url.pathname };
  }
  return invalid(source, 'tokenUrl', 'an http(s) URL or a path starting with "/"');
}

function resolveScope(source: string, value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'string') return value;
  if (Array.isArray(value) && value.every((s) => typeof s === 'string' && s !== '' && !s.includes(' '))) {
    return value.join(' ');
  }
  return invalid(source, 'scope', 'a string or an array of scope strings');
}

type EndpointOptions = TokenEndpointOptions & { clientSecret?: string | undefined };

/** The options every token source shares (typed: a missing or extra key fails to compile). */
const ENDPOINT_KEYS: Record<keyof EndpointOptions, true> = {
  tokenUrl: true,
  clientId: true,
  clientSecret: true,
  authMethod: true,
  scope: true,
  fetch: true,
  headers: true,
};

/**
 * Validate the shared options (TypeError naming the option). `extra` lists the source's own
 * options beyond the shared ones (the compiler rejects a missing or an extra one): any other
 * key in `options` is a misspelt option and throws.
 */
export function resolveEndpoint<T extends EndpointOptions>(
  source: string,
  options: T,
  secretRequired: boolean,
  extra: Record<Exclude<keyof T, keyof EndpointOptions>, true>,
): ResolvedEndpoint {
  if (typeof options !== 'object' || options === null) invalid(source, 'options', 'an object');
  const names = [...Object.keys(ENDPOINT_KEYS), ...Object.keys(extra)];
  for (const key of Object.keys(options)) {
    if (!names.includes(key)) {
      throw new TypeError(`${source}: option "${key}" is not an option (known: ${names.join(', ')})`);
    }
  }
  const clientId = optionalString(source, 'clientId', options.clientId);
  if (clientId === undefined) invalid(source, 'clientId', 'a non-empty string');
  const clientSecret = optionalString(source, 'clientSecret', options.clientSecret);
  if (secretRequired && clientSecret === undefined) invalid(source, 'clientSecret', 'a non-empty string');
  const authMethod = options.authMethod ?? 'client_secret_basic';
  if (authMethod !== 'client_secret_basic' && authMethod !== 'client_secret_post') {
    invalid(source, 'authMethod', "'client_secret_basic' or 'client_secret_post'");
  }
  if (options.fetch !== undefined && typeof options.fetch !== 'function')
    invalid(source, 'fetch', 'a function');
  const headers = options.headers ?? {};
  if (
    typeof headers !== 'object' ||
    headers === null ||
    Object.values(headers).some((value) => typeof value !== 'string')
  ) {
    invalid(source, 'headers', 'an object of string header values');
  }
  return {
    ...resolveUrl(source, options.tokenUrl),
    clientId,
    clientSecret,
    authMethod,
    scope: resolveScope(source, options.scope),
    fetch: options.fetch,
    headers: { ...headers },
  };
}
