/**
 * Compact JWS with WebCrypto only (no dependency, works in Node.js and browsers): the server's
 * signing key (ES256 or RS256, generated on first use), signing, and verification with a JWK or
 * an HMAC secret.
 */

/** A JWS algorithm the mock server signs or verifies with. */
export type JwsAlgorithm = 'ES256' | 'RS256' | 'HS256';

/** JWT claims (a JSON object). */
export type JwtClaims = Record<string, unknown>;

const encoder = new TextEncoder();

/** base64url without padding. */
export function base64url(data: Uint8Array | string): string {
  const bytes = typeof data === 'string' ? encoder.encode(data) : data;
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function fromBase64url(text: string): Uint8Array<ArrayBuffer> {
  const binary = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}

const PARAMS = {
  ES256: { sign: { name: 'ECDSA', hash: 'SHA-256' }, key: { name: 'ECDSA', namedCurve: 'P-256' } },
  RS256: {
    sign: { name: 'RSASSA-PKCS1-v1_5' },
    key: { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' },
  },
  HS256: { sign: { name: 'HMAC' }, key: { name: 'HMAC', hash: 'SHA-256' } },
} as const;

/** SHA-256 of `text` (PKCE S256). */
export async function sha256(text: string): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest('SHA-256', encoder.encode(text)));
}

/** The server's asymmetric signing key, created on first use. */
export class SigningKey {
  readonly alg: 'ES256' | 'RS256';
  #pair: Promise<{ privateKey: CryptoKey; jwk: JsonWebKey & { kid: string } }> | undefined;

  constructor(alg: 'ES256' | 'RS256') {
    this.alg = alg;
  }

  #load() {
    this.#pair ??= (async () => {
      const params =
        this.alg === 'ES256'
          ? PARAMS.ES256.key
          : { ...PARAMS.RS256.key, modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]) };
      const pair = (await crypto.subtle.generateKey(params, true, ['sign', 'verify'])) as CryptoKeyPair;
      const exported = await crypto.subtle.exportKey('jwk', pair.publicKey);
      const { kty, crv, x, y, n, e } = exported;
      const publicJwk = Object.fromEntries(
        Object.entries({ kty, crv, x, y, n, e }).filter(([, v]) => v !== undefined),
      ) as JsonWebKey;
      const kid = base64url((await sha256(JSON.stringify(publicJwk))).slice(0, 12));
      return { privateKey: pair.privateKey, jwk: { ...publicJwk, kid, alg: this.alg, use: 'sig' } };
    })();
    return this.#pair;
  }

  /** The public key as a JWK Set (`{ keys: [...] }`). */
  async jwks(): Promise<{ keys: JsonWebKey[] }> {
    return { keys: [(await this.#load()).jwk] };
  }

  /** Sign `claims` as a compact JWS with header `typ`. */
  async sign(claims: JwtClaims, typ: string): Promise<string> {
    const { privateKey, jwk } = await this.#load();
    const header = base64url(JSON.stringify({ alg: this.alg, typ, kid: jwk.kid }));
    const input = `${header}.${base64url(JSON.stringify(claims))}`;
    const signature = await crypto.subtle.sign(PARAMS[this.alg].sign, privateKey, encoder.encode(input));
    return `${input}.${base64url(new Uint8Array(signature))}`;
  }
}

/** A decoded (not yet verified) compact JWS. */
export interface DecodedJwt {
  header: { alg?: unknown; typ?: unknown; kid?: unknown };
  claims: JwtClaims;
  input: string;
  signature: Uint8Array<ArrayBuffer>;
}

/** Split and parse a compact JWS; `undefined` when it is not one. */
export function decodeJwt(token: string): DecodedJwt | undefined {
  const parts = token.split('.');
  if (parts.length !== 3) return undefined;
  try {
    const header = JSON.parse(new TextDecoder().decode(fromBase64url(parts[0]!)));
    const claims = JSON.parse(new TextDecoder().decode(fromBase64url(parts[1]!)));
    if (typeof header !== 'object' || header === null || typeof claims !== 'object' || claims === null) {
      return undefined;
    }
    return { header, claims, input: `${parts[0]}.${parts[1]}`, signature: fromBase64url(parts[2]!) };
  } catch {
    return undefined;
  }
}

/**
 * Verify a decoded JWS with a public JWK (ES256/RS256) or an HMAC secret (HS256). The algorithm
 * is taken from the key, never trusted from the header alone.
 */
export async function verifySignature(jwt: DecodedJwt, key: JsonWebKey | string): Promise<boolean> {
  const alg =
    typeof key === 'string' ? 'HS256' : key.kty === 'EC' ? 'ES256' : key.kty === 'RSA' ? 'RS256' : undefined;
  if (alg === undefined || jwt.header.alg !== alg) return false;
  try {
    const cryptoKey =
      typeof key === 'string'
        ? await crypto.subtle.importKey('raw', encoder.encode(key), PARAMS.HS256.key, false, ['verify'])
        : await crypto.subtle.importKey('jwk', key, PARAMS[alg as 'ES256' | 'RS256'].key, false, ['verify']);
    return await crypto.subtle.verify(PARAMS[alg].sign, cryptoKey, jwt.signature, encoder.encode(jwt.input));
  } catch {
    return false;
  }
}
