/**
 * Token revocation (RFC 7009) as the vault's `revokeToken`: logout revokes the refresh token
 * (which at most servers also ends the access tokens of its grant) and the access token.
 */
import { TokenRefreshError } from '../errors.js';
import type { Token } from '../token.js';
import { networkError } from './networkError.js';
import { assertResolvable, invalid, resolveEndpoint, type TokenEndpointOptions } from './options.js';
import { errorFromResponse } from './response.js';
import { assertSecureUrl } from './transport.js';

/**
 * Options of {@link revocation}: the token endpoint options (for the client and its
 * authentication) plus where to revoke.
 *
 * @example
 * ```ts
 * const options: RevocationOptions = { issuer: 'https://sso.example.com/realms/acme', clientId: 'spa' };
 * ```
 */
export interface RevocationOptions extends Omit<TokenEndpointOptions, 'tokenUrl'> {
  /** The `client_secret` of a confidential client. @default undefined (public client) */
  clientSecret?: string | undefined;
  /**
   * The revocation endpoint. Unset: `revocation_endpoint` from `issuer`'s metadata.
   * @default undefined
   */
  revocationUrl?: string | URL | undefined;
  /**
   * Which tokens to revoke: the refresh token only, or the access token as well.
   * @default 'both'
   */
  tokens?: 'refresh' | 'both' | undefined;
}

/**
 * A `revokeToken` for `createTokenVault`: on `invalidate()`, revokes the refresh token and
 * (with `tokens: 'both'`) the access token at the server. A refusal or an outage rejects with a
 * `TokenRefreshError` (the vault reports it as `'revoke:error'`; the local logout already
 * happened). Secrets never appear in an error.
 *
 * @example
 * ```ts
 * const vault = createTokenVault({
 *   fetchToken: refreshTokenGrant({ issuer, clientId: 'spa' }),
 *   revokeToken: revocation({ issuer, clientId: 'spa' }),
 * });
 * await vault.invalidate(); // local logout, then revocation at the server
 * ```
 */
export function revocation(
  options: RevocationOptions,
): (token: Token, context: { signal: AbortSignal }) => Promise<void> {
  const source = 'revocation';
  const { revocationUrl, tokens = 'both', ...rest } = options;
  if (tokens !== 'refresh' && tokens !== 'both') invalid(source, 'tokens', "'refresh' or 'both'");
  assertResolvable(source, 'revocationUrl', revocationUrl, rest.fetch);
  if (revocationUrl !== undefined) assertSecureUrl(source, 'revocationUrl', revocationUrl);
  if ((revocationUrl === undefined) === (rest.issuer === undefined)) {
    invalid(source, 'revocationUrl', 'set, or "issuer" instead; not both');
  }
  const endpoint = resolveEndpoint(source, { ...rest, tokenUrl: revocationUrl }, false, {});

  async function revokeOne(
    value: string,
    hint: string,
    signal: AbortSignal,
    secrets: Array<string | undefined>,
  ) {
    const { tokenUrl, metadata } = await endpoint.target(signal);
    const url = new URL(
      String(metadata ? (metadata.revocation_endpoint ?? '') : tokenUrl),
      globalThis.location?.href,
    );
    const where = url.origin + url.pathname;
    const body = new URLSearchParams({ token: value, token_type_hint: hint });
    const headers = new Headers(endpoint.headers);
    headers.set('Content-Type', 'application/x-www-form-urlencoded;charset=UTF-8');
    const supported = metadata?.revocation_endpoint_auth_methods_supported as readonly string[] | undefined;
    const assertion = await endpoint.auth.apply(headers, body, { tokenUrl: url.href, supported });
    const redacted = [...secrets, assertion, headers.get('Authorization') ?? undefined];
    let response: Response;
    let text: string;
    try {
      response = await (endpoint.fetch ?? globalThis.fetch)(url, { method: 'POST', headers, body, signal });
      text = await response.text();
    } catch (error) {
      if (signal.aborted) throw signal.reason;
      throw networkError(`revocation at ${where}`, error, redacted);
    }
    if (!response.ok) throw errorFromResponse(where, response, text, redacted, Date.now());
  }

  return async (token, { signal }) => {
    if (!endpoint.issuer && !revocationUrl) return;
    const secrets = [endpoint.clientSecret, token.accessToken, token.refreshToken];
    if (endpoint.issuer) {
      const { metadata } = await endpoint.target(signal);
      if (!metadata?.revocation_endpoint) {
        throw new TokenRefreshError(`revocation: issuer ${endpoint.issuer} has no revocation_endpoint`, {
          retryable: false,
          code: 'unsupported_revocation',
        });
      }
    }
    if (token.refreshToken) await revokeOne(token.refreshToken, 'refresh_token', signal, secrets);
    if (tokens === 'both') await revokeOne(token.accessToken, 'access_token', signal, secrets);
  };
}
