/**
 * The authorization code grant with PKCE (RFC 6749 §4.1, RFC 7636 S256) and `state`: build the
 * authorization URL, then exchange the code for the tokens that start a session.
 */
import { TokenRefreshError } from '../errors.js';
import type { TokenResponse } from '../token.js';
import { cachedDiscovery } from './discovery.js';
import { encodeBase64url } from './jwt.js';
import { invalid, optionalString, resolveEndpoint, type TokenEndpointOptions } from './options.js';
import { requestToken } from './request.js';
import { assertSecureUrl } from './transport.js';

/**
 * What {@link createAuthorizationRequest} returns: send the user to `url`; keep `state` and
 * `codeVerifier` (e.g. in `sessionStorage`) for {@link exchangeAuthorizationCode}.
 *
 * @example
 * ```ts
 * sessionStorage.setItem('login', JSON.stringify({ state: request.state, codeVerifier: request.codeVerifier }));
 * location.assign(request.url);
 * ```
 */
export interface AuthorizationRequest {
  /** The authorization URL to open. */
  readonly url: string;
  /** The `state` sent (checked on return: CSRF protection). */
  readonly state: string;
  /** The PKCE code verifier (secret: keep it in the browser tab / server session only). */
  readonly codeVerifier: string;
}

/**
 * Options of {@link createAuthorizationRequest}.
 *
 * @example
 * ```ts
 * const options: AuthorizationRequestOptions = { issuer, clientId: 'spa', redirectUri: `${location.origin}/callback`, scope: 'openid offline_access' };
 * ```
 */
export interface AuthorizationRequestOptions {
  /** The issuer (its `authorization_endpoint` is discovered). Give this or `authorizationUrl`. */
  issuer?: string | URL | undefined;
  /** The authorization endpoint. Give this or `issuer`. */
  authorizationUrl?: string | URL | undefined;
  /** The `client_id`. */
  clientId: string;
  /** The `redirect_uri` registered for the client. */
  redirectUri: string;
  /**
   * `scope`: a string or a list (`offline_access` asks for a refresh token at OIDC providers).
   * @default undefined
   */
  scope?: string | readonly string[] | undefined;
  /** RFC 8707 resource indicator(s). @default undefined */
  resource?: string | readonly string[] | undefined;
  /** `audience` parameter (Auth0). @default undefined */
  audience?: string | undefined;
  /** Other parameters (`prompt`, `login_hint`, `nonce`, ...). @default {} */
  params?: Readonly<Record<string, string>> | undefined;
  /** The `fetch` for discovery. @default globalThis.fetch */
  fetch?: TokenEndpointOptions['fetch'];
}

function random(): string {
  return encodeBase64url(globalThis.crypto.getRandomValues(new Uint8Array(32)));
}

/**
 * Build an authorization request with a fresh PKCE verifier (S256) and `state`.
 *
 * @example
 * ```ts
 * const request = await createAuthorizationRequest({ issuer, clientId: 'spa', redirectUri, scope: 'openid offline_access' });
 * location.assign(request.url);
 * ```
 */
export async function createAuthorizationRequest(
  options: AuthorizationRequestOptions,
): Promise<AuthorizationRequest> {
  const source = 'createAuthorizationRequest';
  const clientId =
    optionalString(source, 'clientId', options.clientId) ?? invalid(source, 'clientId', 'a non-empty string');
  const redirectUri = optionalString(source, 'redirectUri', options.redirectUri);
  if (redirectUri === undefined || !URL.canParse(redirectUri))
    invalid(source, 'redirectUri', 'an absolute URL');
  let endpoint = options.authorizationUrl;
  if ((endpoint === undefined) === (options.issuer === undefined)) {
    invalid(source, 'authorizationUrl', 'set, or "issuer" instead; not both');
  }
  if (options.issuer !== undefined) {
    assertSecureUrl(source, 'issuer', options.issuer);
    const metadata = await cachedDiscovery(
      String(options.issuer),
      options.fetch,
    )(new AbortController().signal);
    endpoint =
      metadata.authorization_endpoint ??
      invalid(source, 'issuer', 'an issuer with an authorization_endpoint');
  }
  if (!URL.canParse(String(endpoint))) invalid(source, 'authorizationUrl', 'an absolute URL');
  const url = new URL(String(endpoint));
  const state = random();
  const codeVerifier = random();
  const digest = await globalThis.crypto.subtle.digest('SHA-256', new TextEncoder().encode(codeVerifier));
  const scope = Array.isArray(options.scope)
    ? options.scope.join(' ')
    : (options.scope as string | undefined);
  const params: Record<string, string | undefined> = {
    response_type: 'code',
    client_id: clientId,
    redirect_uri: redirectUri,
    scope,
    state,
    code_challenge: encodeBase64url(new Uint8Array(digest)),
    code_challenge_method: 'S256',
    audience: options.audience,
    ...options.params,
  };
  for (const [key, value] of Object.entries(params))
    if (value !== undefined) url.searchParams.set(key, value);
  const resources = options.resource === undefined ? [] : [options.resource].flat();
  for (const resource of resources) url.searchParams.append('resource', resource);
  return Object.freeze({ url: url.href, state, codeVerifier });
}

/**
 * Options of {@link exchangeAuthorizationCode}: the token endpoint options plus the redirect.
 *
 * @example
 * ```ts
 * const options: ExchangeAuthorizationCodeOptions = { issuer, clientId: 'spa', redirectUri, callbackUrl: location.href, request };
 * ```
 */
export interface ExchangeAuthorizationCodeOptions extends TokenEndpointOptions {
  /** The `client_secret` of a confidential client. @default undefined (public client) */
  clientSecret?: string | undefined;
  /** The same `redirect_uri` as in the authorization request. */
  redirectUri: string;
  /** The URL the user came back to (with `code` and `state`, or `error`). */
  callbackUrl: string | URL;
  /** What {@link createAuthorizationRequest} returned (`state` and `codeVerifier`). */
  request: Pick<AuthorizationRequest, 'state' | 'codeVerifier'>;
  /** Aborts the exchange. @default undefined */
  signal?: AbortSignal | undefined;
}

/**
 * Check the redirect (`state`, `error`) and redeem the code with its PKCE verifier: the tokens
 * (access + refresh) to hand to `vault.setTokens()`. Rejects with a final `TokenRefreshError`:
 * the server's `error` from the redirect as `code`, `'state_mismatch'`, `'missing_code'`, or the
 * token endpoint's refusal (e.g. `invalid_grant` for a used or expired code).
 *
 * @example
 * ```ts
 * const tokens = await exchangeAuthorizationCode({ issuer, clientId: 'spa', redirectUri, callbackUrl: location.href, request });
 * await vault.setTokens(tokens);
 * ```
 */
export async function exchangeAuthorizationCode(
  options: ExchangeAuthorizationCodeOptions,
): Promise<TokenResponse> {
  const source = 'exchangeAuthorizationCode';
  const { redirectUri, callbackUrl, request, signal, ...rest } = options;
  const endpoint = resolveEndpoint(source, rest, false, {});
  if (typeof redirectUri !== 'string' || !URL.canParse(redirectUri))
    invalid(source, 'redirectUri', 'an absolute URL');
  if (typeof request?.state !== 'string' || typeof request.codeVerifier !== 'string') {
    invalid(source, 'request', 'the { state, codeVerifier } from createAuthorizationRequest');
  }
  if (!URL.canParse(String(callbackUrl))) invalid(source, 'callbackUrl', 'an absolute URL');
  const params = new URL(String(callbackUrl)).searchParams;
  const final = (message: string, code: string) =>
    new TokenRefreshError(`${source}: ${message}`, { retryable: false, code });
  if (params.get('state') !== request.state)
    throw final('the redirect carries another state', 'state_mismatch');
  const error = params.get('error');
  if (error) throw final(`the authorization server answered ${error.slice(0, 100)}`, error.slice(0, 100));
  const code = params.get('code');
  if (!code) throw final('the redirect carries no code', 'missing_code');
  return requestToken(
    endpoint,
    {
      grant_type: 'authorization_code',
      code,
      redirect_uri: redirectUri,
      code_verifier: request.codeVerifier,
    },
    signal ?? new AbortController().signal,
    [endpoint.clientSecret, code, request.codeVerifier],
  );
}
