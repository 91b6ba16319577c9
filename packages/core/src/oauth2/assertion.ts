/**
 * Signing RFC 7523 JWT assertions: client assertions (§2.2) and JWT bearer grants (§2.1). Each
 * one gets a fresh `jti`, `iat` now and a short `exp`; the key is imported once.
 */
import { TokenRefreshError } from '../errors.js';
import { redact } from '../redact.js';
import { type SigningKey, signJwt } from './jwt.js';

/** Lifetime of one assertion, in seconds (each request signs a fresh one). */
export const ASSERTION_TTL_S = 60;

/** The claims a caller chooses; `jti`, `iat` and `exp` are added. */
export interface AssertionClaims {
  iss: string;
  sub: string;
  aud: string;
  [claim: string]: unknown;
}

/** Signs assertions: `(claims, header) => compact JWS`. */
export type AssertionSigner = (claims: AssertionClaims, header?: Record<string, unknown>) => Promise<string>;

/**
 * A signer whose key comes from `load` (called once; a failure is not cached). A key WebCrypto
 * refuses is a configuration error: a final `TokenRefreshError` with `code`, naming no key material
 * (its cause is redacted of `secrets`, e.g. an HMAC client secret).
 */
export function assertionSigner(
  source: string,
  what: string,
  code: string,
  load: () => Promise<SigningKey>,
  secrets: readonly (string | undefined)[] = [],
): AssertionSigner {
  let key: Promise<SigningKey> | undefined;
  return async (claims, header = {}) => {
    key ??= load();
    let signing: SigningKey;
    try {
      signing = await key;
    } catch (cause) {
      key = undefined;
      throw new TokenRefreshError(`${source}: the ${what} could not be imported`, {
        cause: redact(cause, secrets),
        retryable: false,
        code,
      });
    }
    const now = Math.floor(Date.now() / 1000);
    const jti = globalThis.crypto.randomUUID();
    return signJwt(signing, { ...claims, jti, iat: now, exp: now + ASSERTION_TTL_S }, header);
  };
}
