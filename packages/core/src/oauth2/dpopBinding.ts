/**
 * DPoP (RFC 9449) at the token endpoint: the `use_dpop_nonce` resend (§8) and the check that a
 * bound token is bound to our key (`cnf.jkt`, §6.1).
 */
import type { Dpop } from '../dpopTypes.js';
import { TokenRefreshError } from '../errors.js';
import type { TokenResponse } from '../token.js';
import { readJwtClaims } from './jwt.js';

/**
 * Keep the nonce a token endpoint response carries (`DPoP-Nonce`, on any status); `true` when
 * the response is the 400 `use_dpop_nonce` that asks for a resend with it.
 */
export function wantsNonce(dpop: Dpop, url: string, response: Response, text: string): boolean {
  const nonce = response.headers.get('DPoP-Nonce');
  dpop.setNonce(url, nonce);
  return response.status === 400 && nonce !== null && /"error"\s*:\s*"use_dpop_nonce"/.test(text);
}

/** The `cnf.jkt` of `value` (a JWT's claims or the response body), if any. */
function jktOf(value: unknown): unknown {
  return (value as { cnf?: { jkt?: unknown } } | undefined)?.cnf?.jkt;
}

/**
 * A token the server says is bound (`token_type: DPoP`) must be bound to our key where the
 * binding is visible: the access token's `cnf.jkt` claim (a JWT, read not verified) or a
 * `cnf.jkt` in the response. Otherwise a final `TokenRefreshError` (`dpop_key_mismatch`): every
 * request with that token would fail. Neither the token nor the key is in the message.
 */
export async function checkBinding(dpop: Dpop, token: TokenResponse, where: string): Promise<void> {
  if (!/^dpop$/i.test(token.tokenType ?? '')) return;
  const claimed = jktOf(readJwtClaims(token.accessToken)) ?? jktOf(token.raw);
  if (claimed === undefined || claimed === (await dpop.thumbprint())) return;
  throw new TokenRefreshError(
    `token endpoint ${where} bound the token to another key (cnf.jkt is not the DPoP key's thumbprint)`,
    { retryable: false, code: 'dpop_key_mismatch' },
  );
}
