/**
 * Options shared by the OAuth 2.0 token sources, and their validation.
 */

import { checkOptions } from '../checkOptions.js';
import type { Dpop } from '../dpopTypes.js';
import type { FetchTokenContext } from '../options.js';
import type { TokenResponse } from '../token.js';
import { type ClientAuth, type ClientAuthMethod, resolveClientAuth } from './clientAuth.js';
import { type AuthorizationServerMetadata, cachedDiscovery } from './discovery.js';
import type { SigningKeyInput } from './jwt.js';
import { assertSecureUrl } from './transport.js';

export type { ClientAuthMethod } from './clientAuth.js';

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
  /**
   * The token endpoint: an absolute URL, or a path (`/oauth/token`) where `fetch` resolves one
   * (browsers). Give this or `issuer`. Must be `https:` unless the host is loopback.
   * @default undefined (from `issuer`'s metadata)
   */
  tokenUrl?: string | URL | undefined;
  /**
   * The issuer identifier: its metadata (OpenID Connect Discovery, else RFC 8414) is fetched once
   * and gives the token endpoint and the supported auth methods. The document's `issuer` must
   * equal this string exactly (e.g. Auth0's trailing slash). Give this or `tokenUrl`.
   * @default undefined
   */
  issuer?: string | URL | undefined;
  /** The `client_id`. */
  clientId: string;
  /**
   * How the client authenticates: `client_secret_basic` (form-encoded id and secret, RFC 6749
   * §2.3.1), `client_secret_post`, `client_secret_jwt` (HS256), `private_key_jwt` or `none`.
   * @default 'private_key_jwt' with `privateKey`; with a secret 'client_secret_basic' (or
   * 'client_secret_post' when the issuer's metadata supports only that); else 'none'
   */
  authMethod?: ClientAuthMethod | undefined;
  /**
   * The private key for `private_key_jwt` (RS256, ES256 or EdDSA): a `CryptoKey`, a private JWK
   * or a PKCS#8 PEM string. Never appears in an error.
   * @default undefined
   */
  privateKey?: SigningKeyInput | undefined;
  /**
   * `kid` header of the client assertions (servers holding several keys for the client need it).
   * @default undefined
   */
  keyId?: string | undefined;
  /**
   * `aud` of the client assertions. Okta, Entra ID, Keycloak and oidc-provider accept the token
   * endpoint; Auth0 expects its issuer (`https://TENANT.auth0.com/`).
   * @default the token endpoint URL
   */
  assertionAudience?: string | undefined;
  /**
   * RFC 8707 resource indicator(s): absolute URIs without a fragment, sent as `resource` on every
   * token request. Use one vault per resource (a token is for one audience).
   * @default undefined
   */
  resource?: string | readonly string[] | undefined;
  /**
   * `audience` parameter (Auth0 and others use it to pick the API).
   * @default undefined
   */
  audience?: string | undefined;
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
  /**
   * DPoP (RFC 9449): sign a proof for every token request with this `createDpop()` handle. In a
   * vault, give it to `createTokenVault({ dpop })` instead (the vault's wins); here it serves
   * calls outside a vault, such as `exchangeAuthorizationCode({ dpop: vault.dpop, … })`.
   * @default undefined (the vault's `dpop`, if any)
   * @example
   * ```ts
   * dpop: vault.dpop
   * ```
   */
  dpop?: Dpop | undefined;
}

/** Where requests go, once known (after discovery when `issuer` was given). */
export interface EndpointTarget {
  tokenUrl: string | URL;
  /** Origin and path, for messages (never the query). */
  where: string;
  /** The issuer's metadata, when discovered. */
  metadata: AuthorizationServerMetadata | undefined;
}

/** Validated endpoint options. */
export interface ResolvedEndpoint {
  /** The token endpoint (and metadata): at once for `tokenUrl`, discovered once for `issuer`. */
  target(signal: AbortSignal): Promise<EndpointTarget>;
  /** `issuer` as given, if any. */
  issuer: string | undefined;
  clientId: string;
  clientSecret: string | undefined;
  auth: ClientAuth;
  resource: readonly string[];
  audience: string | undefined;
  scope: string | undefined;
  fetch: FetchLike | undefined;
  headers: Readonly<Record<string, string>>;
  dpop: Dpop | undefined;
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

function resolveUrl(
  source: string,
  value: unknown,
  option = 'tokenUrl',
): { tokenUrl: string | URL; where: string } {
  if (value instanceof URL) return { tokenUrl: value, where: value.origin + value.pathname };
  if (typeof value === 'string' && value.startsWith('/'))
    return { tokenUrl: value, where: value.split('?')[0]! };
  if (typeof value === 'string' && URL.canParse(value)) {
    const url = new URL(value);
    if (url.protocol === 'http:' || url.protocol === 'https:')
      return { tokenUrl: value, where: url.origin + url.pathname };
  }
  return invalid(source, option, 'an http(s) URL or a path starting with "/"');
}

/**
 * A path (`/oauth/token`) needs a base URL to be sent to: the page's (`globalThis.location`, in a
 * browser) or one the user's own `fetch` adds. With neither (Node, no `fetch` option) it could
 * only fail at every refresh, so it is a `TypeError` naming `option` at creation instead.
 */
export function assertResolvable(source: string, option: string, url: unknown, fetch: unknown): void {
  if (typeof url === 'string' && url.startsWith('/') && fetch === undefined && !globalThis.location) {
    invalid(
      source,
      option,
      `an absolute http(s) URL here: a path such as "${url.split('?')[0]}" only works where there is a page to resolve it against (a browser), or with your own "fetch" option`,
    );
  }
}

function resolveResource(source: string, value: unknown): readonly string[] {
  if (value === undefined) return [];
  const list = typeof value === 'string' ? [value] : value;
  const ok = (r: unknown) => typeof r === 'string' && URL.canParse(r) && !r.includes('#');
  if (!Array.isArray(list) || list.length === 0 || !list.every(ok)) {
    invalid(source, 'resource', 'an absolute URI without a fragment, or a non-empty array of them');
  }
  return [...list];
}

function resolveTarget(
  source: string,
  options: EndpointOptions,
): { target: ResolvedEndpoint['target']; issuer: string | undefined } {
  if ((options.tokenUrl === undefined) === (options.issuer === undefined)) {
    invalid(source, 'tokenUrl', 'set (an http(s) URL or a path), or "issuer" instead; not both');
  }
  if (options.issuer !== undefined) {
    const issuer = String(resolveUrl(source, options.issuer, 'issuer').tokenUrl);
    if (issuer.startsWith('/')) invalid(source, 'issuer', 'an absolute http(s) URL');
    assertSecureUrl(source, 'issuer', issuer);
    const discover = cachedDiscovery(issuer, options.fetch);
    return {
      issuer,
      target: async (signal) => {
        const metadata = await discover(signal);
        const url = new URL(metadata.token_endpoint);
        return { tokenUrl: metadata.token_endpoint, where: url.origin + url.pathname, metadata };
      },
    };
  }
  const resolved = { ...resolveUrl(source, options.tokenUrl), metadata: undefined };
  assertResolvable(source, 'tokenUrl', resolved.tokenUrl, options.fetch);
  assertSecureUrl(source, 'tokenUrl', resolved.tokenUrl);
  const ready = Promise.resolve(resolved);
  return { issuer: undefined, target: () => ready };
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
  issuer: true,
  clientId: true,
  clientSecret: true,
  authMethod: true,
  privateKey: true,
  keyId: true,
  assertionAudience: true,
  scope: true,
  resource: true,
  audience: true,
  fetch: true,
  headers: true,
  dpop: true,
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
  checkOptions(source, options, { ...ENDPOINT_KEYS, ...extra });
  const clientId = optionalString(source, 'clientId', options.clientId);
  if (clientId === undefined) invalid(source, 'clientId', 'a non-empty string');
  const clientSecret = optionalString(source, 'clientSecret', options.clientSecret);
  const auth = resolveClientAuth(
    source,
    {
      clientId,
      clientSecret,
      authMethod: options.authMethod,
      privateKey: options.privateKey,
      keyId: options.keyId,
      assertionAudience: options.assertionAudience,
    },
    secretRequired,
  );
  if (options.fetch !== undefined && typeof options.fetch !== 'function')
    invalid(source, 'fetch', 'a function');
  if (options.dpop !== undefined && typeof options.dpop?.proof !== 'function')
    invalid(source, 'dpop', 'a DPoP handle from createDpop()');
  const headers = options.headers ?? {};
  if (
    typeof headers !== 'object' ||
    headers === null ||
    Object.values(headers).some((value) => typeof value !== 'string')
  ) {
    invalid(source, 'headers', 'an object of string header values');
  }
  return {
    ...resolveTarget(source, options),
    clientId,
    clientSecret,
    auth,
    resource: resolveResource(source, options.resource),
    audience: optionalString(source, 'audience', options.audience),
    scope: resolveScope(source, options.scope),
    fetch: options.fetch,
    headers: { ...headers },
    dpop: options.dpop,
  };
}
