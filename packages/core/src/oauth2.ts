/**
 * `@tokvault/core/oauth2`: OAuth 2.0 token sources to pass as `fetchToken`. No dependencies;
 * they POST a form to the token endpoint with `fetch` (looked up at call time unless the `fetch`
 * option is given, so MSW and test doubles apply) and honour the vault's abort signal.
 *
 * Errors are `TokenRefreshError`s that never contain a secret (the client secret, the refresh
 * token, the client assertion, the Basic credential, raw or encoded, even when a hostile server
 * echoes them in `error_description` or `error_uri`):
 * - `invalid_grant`, `invalid_client`, `unauthorized_client` (and the other RFC 6749 §5.2
 *   codes, and any other 4xx): `retryable: false`, `code` = the server's `error`;
 * - 408, 425, 429, 5xx: `retryable: true`, `retryAfterMs` from `Retry-After` (seconds or date);
 * - network errors: `retryable: true`, `code: 'network_error'`, the reason in the message
 *   (`network error (fetch failed: connect ECONNREFUSED 127.0.0.1:8080)`), a redacted copy of
 *   the `fetch` error as `cause`;
 * - a non-JSON body or a missing `access_token`: `retryable: false`, `code: 'malformed_response'`.
 * An error response's details are the error's `cause` ({@link OAuth2ErrorResponse}).
 *
 * @example
 * ```ts
 * import { createTokenVault } from '@tokvault/core';
 * import { clientCredentials, refreshTokenGrant, tokenExchange } from '@tokvault/core/oauth2';
 *
 * const service = createTokenVault({
 *   fetchToken: clientCredentials({ tokenUrl, clientId: 'svc', clientSecret, scope: ['orders:read'] }),
 * });
 * const user = createTokenVault({
 *   fetchToken: refreshTokenGrant({ tokenUrl, clientId: 'spa', refreshToken, onRefreshToken: save }),
 * });
 * // Delegation: exchange the user's current token for one for the billing API (RFC 8693).
 * const billing = createTokenVault({
 *   fetchToken: tokenExchange({ issuer, clientId: 'orders', clientSecret, audience: 'https://billing',
 *     subjectToken: ({ signal }) => user.getToken({ signal }).then((t) => t.accessToken) }),
 * });
 * ```
 *
 * @module
 */
export type { ClientCredentialsOptions } from './oauth2/clientCredentials.js';
export { clientCredentials } from './oauth2/clientCredentials.js';
export type { CredentialInput } from './oauth2/credentialInput.js';
export type { AuthorizationServerMetadata, DiscoveryOptions } from './oauth2/discovery.js';
export { discoverIssuer } from './oauth2/discovery.js';
export type { SigningKeyInput } from './oauth2/jwt.js';
export type { JwtBearerGrantOptions } from './oauth2/jwtBearerGrant.js';
export { JWT_BEARER_GRANT, jwtBearerGrant } from './oauth2/jwtBearerGrant.js';
export type { ClientAuthMethod, FetchLike, TokenEndpointOptions, TokenSource } from './oauth2/options.js';
export type {
  AuthorizationRequest,
  AuthorizationRequestOptions,
  ExchangeAuthorizationCodeOptions,
} from './oauth2/pkce.js';
export { createAuthorizationRequest, exchangeAuthorizationCode } from './oauth2/pkce.js';
export type { RefreshTokenGrantOptions } from './oauth2/refreshTokenGrant.js';
export { refreshTokenGrant } from './oauth2/refreshTokenGrant.js';
export type { OAuth2ErrorResponse } from './oauth2/response.js';
export { parseRetryAfter } from './oauth2/response.js';
export type { RevocationOptions } from './oauth2/revocation.js';
export { revocation } from './oauth2/revocation.js';
export type { TokenExchangeOptions } from './oauth2/tokenExchange.js';
export { ACCESS_TOKEN_TYPE, TOKEN_EXCHANGE_GRANT, tokenExchange } from './oauth2/tokenExchange.js';
