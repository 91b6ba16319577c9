/**
 * OAuth 2.0 Token Exchange (RFC 8693) as a `fetchToken` function: trade a token (a user's, or
 * another service's) for one meant for a different audience, for delegation between services.
 */
import { type CredentialInput, credentialInput } from './credentialInput.js';
import {
  invalid,
  optionalString,
  resolveEndpoint,
  type TokenEndpointOptions,
  type TokenSource,
} from './options.js';
import { requestToken } from './request.js';

/** The RFC 8693 `grant_type`. */
export const TOKEN_EXCHANGE_GRANT = 'urn:ietf:params:oauth:grant-type:token-exchange';
/** The RFC 8693 §3 token type of an OAuth 2.0 access token. */
export const ACCESS_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:access_token';

/**
 * Options of {@link tokenExchange}. `audience`, `resource` and `scope` (shared options) name
 * the target service and the rights asked for.
 *
 * @example
 * ```ts
 * const options: TokenExchangeOptions = {
 *   tokenUrl: 'https://auth.example.com/oauth/token',
 *   clientId: 'orders-service',
 *   clientSecret: process.env.CLIENT_SECRET!,
 *   subjectToken: ({ signal }) => userVault.getToken({ signal }).then((t) => t.accessToken),
 *   audience: 'https://billing.example.com',
 * };
 * ```
 */
export interface TokenExchangeOptions extends TokenEndpointOptions {
  /**
   * The `client_secret` of a confidential client.
   * @default undefined
   */
  clientSecret?: string | undefined;
  /**
   * The token to exchange (`subject_token`): a string, or a function returning the current one
   * per request (e.g. another vault's token). Never appears in an error.
   */
  subjectToken: CredentialInput;
  /**
   * `subject_token_type` (an RFC 8693 §3 URI such as `urn:ietf:params:oauth:token-type:jwt`).
   * @default 'urn:ietf:params:oauth:token-type:access_token'
   */
  subjectTokenType?: string | undefined;
  /**
   * The acting party's token (`actor_token`), for delegation.
   * @default undefined
   */
  actorToken?: CredentialInput | undefined;
  /**
   * `actor_token_type`; only with `actorToken`.
   * @default 'urn:ietf:params:oauth:token-type:access_token' (with `actorToken`)
   */
  actorTokenType?: string | undefined;
  /**
   * `requested_token_type`.
   * @default undefined (the server's choice, usually an access token)
   */
  requestedTokenType?: string | undefined;
}

/**
 * A `fetchToken` that exchanges `subjectToken` (and `actorToken`) for a new token (RFC 8693).
 * The response's `issued_token_type` is on `token.raw`. Errors as for {@link clientCredentials};
 * an invalid subject or actor token is the server's `invalid_request` or `invalid_grant`, final.
 *
 * @example
 * ```ts
 * import { createTokenVault } from '@tokvault/core';
 * import { tokenExchange } from '@tokvault/core/oauth2';
 *
 * const billing = createTokenVault({
 *   fetchToken: tokenExchange({
 *     issuer, clientId: 'orders', clientSecret,
 *     subjectToken: ({ signal }) => userVault.getToken({ signal }).then((t) => t.accessToken),
 *     audience: 'https://billing.example.com',
 *   }),
 * });
 * ```
 */
export function tokenExchange(options: TokenExchangeOptions): TokenSource {
  const source = 'tokenExchange';
  const endpoint = resolveEndpoint(source, options, false, {
    subjectToken: true,
    subjectTokenType: true,
    actorToken: true,
    actorTokenType: true,
    requestedTokenType: true,
  });
  const subject = credentialInput(source, 'subjectToken', options.subjectToken);
  if (subject === undefined)
    invalid(source, 'subjectToken', 'a non-empty string or a function returning one');
  const actor = credentialInput(source, 'actorToken', options.actorToken);
  const subjectType =
    optionalString(source, 'subjectTokenType', options.subjectTokenType) ?? ACCESS_TOKEN_TYPE;
  let actorType = optionalString(source, 'actorTokenType', options.actorTokenType);
  if (actorType !== undefined && actor === undefined)
    invalid(source, 'actorTokenType', 'unset without "actorToken"');
  if (actor !== undefined) actorType ??= ACCESS_TOKEN_TYPE;
  const requested = optionalString(source, 'requestedTokenType', options.requestedTokenType);

  return async (context) => {
    const subjectToken = await subject(context);
    const actorToken = await actor?.(context);
    const params = {
      grant_type: TOKEN_EXCHANGE_GRANT,
      subject_token: subjectToken,
      subject_token_type: subjectType,
      actor_token: actorToken,
      actor_token_type: actorType,
      requested_token_type: requested,
    };
    const secrets = [endpoint.clientSecret, subjectToken, actorToken];
    return requestToken(endpoint, params, context.signal, secrets, context.dpop);
  };
}
