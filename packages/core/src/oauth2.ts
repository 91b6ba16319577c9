/**
 * `@tokvault/core/oauth2`: OAuth 2.0 token sources to pass as `fetchToken`. No dependencies;
 * they use `fetch` (looked up at call time) and honour the vault's abort signal.
 */

export type { ClientCredentialsOptions } from './oauth2/clientCredentials.js';
export { clientCredentials } from './oauth2/clientCredentials.js';
export type { ClientAuthMethod, FetchLike, TokenEndpointOptions, TokenSource } from './oauth2/options.js';
export type { RefreshTokenGrantOptions } from './oauth2/refreshTokenGrant.js';
export { refreshTokenGrant } from './oauth2/refreshTokenGrant.js';
export type { OAuth2ErrorResponse } from './oauth2/response.js';
export { parseRetryAfter } from './oauth2/response.js';
