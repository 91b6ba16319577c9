/**
 * Test-side JWT and hash helpers: decode a JWT part, hash as DPoP's `ath` and RFC 7638 do.
 * Written independently of the code under test (no import from it), so a test that compares
 * with them checks the implementation instead of repeating it. Runtime-neutral (no `Buffer`).
 */

const decoder = new TextDecoder();

/**
 * A JWT part decoded as JSON, unverified: `0` the header, `1` the claims. Typed loosely (as
 * `JSON.parse` is), for assertions.
 *
 * @example
 * ```ts
 * expect(jwtPart(proof, 0)).toMatchObject({ typ: 'dpop+jwt' });
 * ```
 */
export function jwtPart(jwt: string, index: 0 | 1) {
  const part = (jwt.split('.')[index] ?? '').replace(/-/g, '+').replace(/_/g, '/');
  return JSON.parse(decoder.decode(Uint8Array.from(atob(part), (c) => c.charCodeAt(0))));
}

/**
 * The unverified claims of a JWT.
 *
 * @example
 * ```ts
 * expect(claimsOf(token.accessToken).cnf).toEqual({ jkt });
 * ```
 */
export function claimsOf(jwt: string): Record<string, unknown> {
  return jwtPart(jwt, 1) as Record<string, unknown>;
}

/**
 * base64url(SHA-256(text)), unpadded: a DPoP `ath`, an RFC 7638 thumbprint of a canonical JWK.
 *
 * @example
 * ```ts
 * expect(claims.ath).toBe(await sha256Base64url(accessToken));
 * ```
 */
export async function sha256Base64url(text: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text)));
  return btoa(String.fromCharCode(...digest))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');
}
