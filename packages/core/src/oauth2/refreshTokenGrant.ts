/**
 * The refresh token grant (RFC 6749 §6) as a `fetchToken` function, with rotation.
 */
import { TokenRefreshError } from '../errors.js';
import { redact } from '../redact.js';
import {
  invalid,
  optionalString,
  resolveEndpoint,
  type TokenEndpointOptions,
  type TokenSource,
} from './options.js';
import { requestToken } from './request.js';

/**
 * Options of {@link refreshTokenGrant}.
 *
 * @example
 * ```ts
 * const options: RefreshTokenGrantOptions = {
 *   tokenUrl: 'https://auth.example.com/oauth/token',
 *   clientId: 'spa',
 *   refreshToken: session.refreshToken,
 *   onRefreshToken: (next) => session.save(next),
 * };
 * ```
 */
export interface RefreshTokenGrantOptions extends TokenEndpointOptions {
  /**
   * The `client_secret` of a confidential client. Leave it out for a public client, which sends
   * `client_id` in the body.
   * @default undefined
   */
  clientSecret?: string | undefined;
  /**
   * The refresh token to start from. Leave it out when the app hands the login's tokens to
   * `vault.setTokens()`: the vault's token carries the refresh token then.
   * @default undefined
   */
  refreshToken?: string | undefined;
  /**
   * Called with every NEW refresh token the server rotates to, before the access token is
   * handed out, so the app can persist it. If it throws, the refresh fails with a final
   * `TokenRefreshError` (the new refresh token is still used by the next refresh).
   * @default undefined
   */
  onRefreshToken?: ((refreshToken: string) => void | Promise<void>) | undefined;
}

/**
 * A `fetchToken` that redeems a refresh token. The newest refresh token wins: the vault's
 * current token's `refreshToken` (which a shared store may have updated), else the last one this
 * source received, else `options.refreshToken`. When the server rotates, the new one replaces
 * the old and goes to `onRefreshToken`; when it does not, the old one is kept. `invalid_grant`
 * (expired, revoked or reused refresh token) is a final `TokenRefreshError` with that `code`:
 * the user must sign in again.
 *
 * @example
 * ```ts
 * const vault = createTokenVault({
 *   fetchToken: refreshTokenGrant({ tokenUrl, clientId: 'spa', refreshToken, onRefreshToken: persist }),
 * });
 * ```
 */
export function refreshTokenGrant(options: RefreshTokenGrantOptions): TokenSource {
  const source = 'refreshTokenGrant';
  const endpoint = resolveEndpoint(source, options, false, { refreshToken: true, onRefreshToken: true });
  let current = optionalString(source, 'refreshToken', options.refreshToken);
  const { onRefreshToken } = options;
  if (onRefreshToken !== undefined && typeof onRefreshToken !== 'function')
    invalid(source, 'onRefreshToken', 'a function');

  return async ({ signal, previous, dpop }) => {
    const presented = previous?.refreshToken ?? current;
    if (presented === undefined) {
      throw new TokenRefreshError(
        "refreshTokenGrant: no refresh token yet: pass the login's tokens to vault.setTokens()",
        {
          retryable: false,
          code: 'no_refresh_token',
        },
      );
    }
    const secrets = [endpoint.clientSecret, presented, current];
    const token = await requestToken(
      endpoint,
      { grant_type: 'refresh_token', refresh_token: presented },
      signal,
      secrets,
      dpop,
    );
    const rotated = token.refreshToken !== undefined && token.refreshToken !== presented;
    current = token.refreshToken ?? presented;
    if (rotated && onRefreshToken) {
      try {
        await onRefreshToken(current);
      } catch (cause) {
        throw new TokenRefreshError(
          'refreshTokenGrant: onRefreshToken threw; the new token was not handed out',
          {
            cause: redact(cause, [...secrets, current, token.accessToken]),
            retryable: false,
            code: 'on_refresh_token_failed',
          },
        );
      }
    }
    return { ...token, refreshToken: current };
  };
}
