/**
 * The client credentials grant (RFC 6749 §4.4) as a `fetchToken` function.
 */
import { resolveEndpoint, type TokenEndpointOptions, type TokenSource } from './options.js';
import { requestToken } from './request.js';

/**
 * Options of {@link clientCredentials}.
 *
 * @example
 * ```ts
 * const options: ClientCredentialsOptions = {
 *   tokenUrl: 'https://auth.example.com/oauth/token',
 *   clientId: 'billing-service',
 *   clientSecret: process.env.CLIENT_SECRET!,
 *   scope: ['invoices:read'],
 * };
 * ```
 */
export interface ClientCredentialsOptions extends TokenEndpointOptions {
  /**
   * The `client_secret` (required unless `privateKey` is given). Never appears in an error message.
   * @default undefined
   */
  clientSecret?: string | undefined;
}

/**
 * A `fetchToken` that obtains tokens with the client credentials grant. Errors are
 * `TokenRefreshError`s: `invalid_client`/`unauthorized_client` are final (`retryable: false`,
 * `code` set); 429, 5xx and network errors are retryable with `retryAfterMs` from `Retry-After`.
 *
 * @example
 * ```ts
 * import { createTokenVault } from '@tokvault/core';
 * import { clientCredentials } from '@tokvault/core/oauth2';
 *
 * const vault = createTokenVault({
 *   fetchToken: clientCredentials({ tokenUrl, clientId: 'svc', clientSecret, scope: 'read' }),
 * });
 * ```
 */
export function clientCredentials(options: ClientCredentialsOptions): TokenSource {
  const endpoint = resolveEndpoint('clientCredentials', options, true, {});
  const secrets = [endpoint.clientSecret];
  return async ({ signal, dpop }) =>
    requestToken(endpoint, { grant_type: 'client_credentials' }, signal, secrets, dpop);
}
