/**
 * How long a token from an OAuth 2.0 token endpoint really lives, as the sources report it to
 * the vault.
 *
 * - `expires_in` counts whole seconds, and real servers (oidc-provider, Keycloak, most JWT
 *   issuers) truncate `iat`/`exp` to whole seconds: a token announced with `expires_in: 3` may
 *   already be expired 2.001 s after it was issued. The sources therefore count ONE SECOND LESS
 *   than `expires_in` (never below 0). The vault's hard margin (`min(10 s, 10%)` by default)
 *   then covers the round trip of the request that carries the token and clock skew.
 * - Without `expires_in`, a JWT access token's `exp` claim (epoch seconds) is the expiry. The
 *   JWT is READ, NOT VERIFIED: the resource server verifies it; the client only takes the
 *   expiry as a hint, which at worst makes it refresh early or meet a 401 it then recovers from.
 */
import type { TokenResponse } from '../token.js';
import { readJwtClaims } from './jwt.js';

/** What a whole-second `expires_in` can lose to the server truncating `exp`. */
export const WHOLE_SECOND_S = 1;

/**
 * The lifetime fields of a parsed token response, made conservative: `expiresIn` minus one
 * second, or, with no `expiresIn`, `expiresAt` from the access token's JWT `exp` claim.
 *
 * @example
 * ```ts
 * declare const jwtWithExp: string; // a JWT access token with an `exp` claim
 * serverLifetime({ accessToken: 'opaque', expiresIn: 3600 }); // { …, expiresIn: 3599 }
 * serverLifetime({ accessToken: jwtWithExp }); // { …, expiresAt: exp * 1000 }
 * ```
 */
export function serverLifetime(response: TokenResponse): TokenResponse {
  if (response.expiresIn !== undefined) {
    return { ...response, expiresIn: Math.max(0, response.expiresIn - WHOLE_SECOND_S) };
  }
  const exp = readJwtClaims(response.accessToken)?.exp;
  if (typeof exp !== 'number' || !Number.isFinite(exp) || exp <= 0) return response;
  return { ...response, expiresAt: exp * 1000 };
}
