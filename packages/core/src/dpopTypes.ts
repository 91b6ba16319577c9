/**
 * The DPoP handle's shape (RFC 9449), shared as a type by the vault, the OAuth sources and the
 * adapters; the implementation is `createDpop` in `@tokvault/core/dpop`.
 */

/**
 * Algorithms of DPoP proofs: ES256 (ECDSA P-256), RS256 (RSASSA-PKCS1-v1_5 SHA-256), EdDSA (Ed25519).
 *
 * @example
 * ```ts
 * const alg: DpopAlgorithm = 'ES256';
 * ```
 */
export type DpopAlgorithm = 'ES256' | 'RS256' | 'EdDSA';

/**
 * A DPoP key pair and the nonces servers asked for, as `createDpop` returns it. Give it to
 * `createTokenVault({ dpop })`; sources and adapters use it from there.
 *
 * @example
 * ```ts
 * const proof = await dpop.proof('GET', 'https://api.example.com/me', token.accessToken);
 * ```
 */
export interface Dpop {
  /** RFC 7638 SHA-256 thumbprint of the public key: what a bound token's `cnf.jkt` holds. */
  thumbprint(): Promise<string>;
  /**
   * A fresh proof JWT for one request: `htm` = `method`, `htu` = `url` without query and fragment,
   * a unique `jti`, `iat` = now, the origin's last nonce, and `ath` when `accessToken` is given.
   */
  proof(method: string, url: string | URL, accessToken?: string): Promise<string>;
  /** The last nonce `url`'s origin sent (`DPoP-Nonce`), if any. */
  nonce(url: string | URL): string | undefined;
  /** Keep `nonce` (a `DPoP-Nonce` header value) for `url`'s origin; `null`/empty is ignored. */
  setNonce(url: string | URL, nonce: string | null | undefined): void;
  /** Serialises as `"Dpop"`: never the key. */
  toJSON(): string;
}
