/**
 * Compact JWS signing with WebCrypto (no dependency) for RFC 7523 client assertions and JWT
 * bearer grants, and reading (not verifying) a JWT's claims.
 */

/**
 * Algorithms tokvault signs with: HS256 (`client_secret_jwt`), RS256, ES256, and Ed25519 keys as
 * `EdDSA` (or `Ed25519`, RFC 9864, when a JWK says so).
 */
export type JwsAlgorithm = 'HS256' | 'RS256' | 'ES256' | 'EdDSA' | 'Ed25519';

/**
 * A private key for `private_key_jwt` and JWT bearer assertions: a WebCrypto `CryptoKey`
 * (private, extractable or not), a private JWK (RSA, EC P-256, Ed25519), or a PKCS#8 PEM string
 * (`-----BEGIN PRIVATE KEY-----`).
 *
 * @example
 * ```ts
 * const privateKey: SigningKeyInput = process.env.CLIENT_KEY_PEM!;
 * ```
 */
export type SigningKeyInput = CryptoKey | JsonWebKey | string;

/** An imported signing key and its algorithm. */
export interface SigningKey {
  key: CryptoKey;
  alg: JwsAlgorithm;
}

const RSA = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' };
const EC = { name: 'ECDSA', namedCurve: 'P-256' };
const ED = { name: 'Ed25519' };

const encoder = new TextEncoder();

function base64url(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** Base64url of the UTF-8 bytes of `text` (or of raw bytes). */
export function encodeBase64url(input: string | Uint8Array): string {
  return base64url(typeof input === 'string' ? encoder.encode(input) : input);
}

function algOf(key: CryptoKey): JwsAlgorithm | undefined {
  const { name, namedCurve } = key.algorithm as { name: string; namedCurve?: string };
  if (name === 'RSASSA-PKCS1-v1_5') return 'RS256';
  if (name === 'ECDSA' && namedCurve === 'P-256') return 'ES256';
  if (name === 'Ed25519') return 'EdDSA';
  if (name === 'HMAC') return 'HS256';
  return undefined;
}

/** `true` if `value` is a usable private-key input (checked synchronously, imported later). */
export function isSigningKeyInput(value: unknown): value is SigningKeyInput {
  if (typeof value === 'string') return value.includes('-----BEGIN PRIVATE KEY-----');
  if (typeof CryptoKey !== 'undefined' && value instanceof CryptoKey) {
    return value.type === 'private' && value.usages.includes('sign') && algOf(value) !== undefined;
  }
  if (typeof value !== 'object' || value === null) return false;
  const jwk = value as JsonWebKey;
  return (
    typeof jwk.d === 'string' &&
    (jwk.kty === 'RSA' ||
      (jwk.kty === 'EC' && jwk.crv === 'P-256') ||
      (jwk.kty === 'OKP' && jwk.crv === 'Ed25519'))
  );
}

/** Import a private key (see {@link SigningKeyInput}); rejects if WebCrypto refuses it. */
export async function importSigningKey(input: SigningKeyInput): Promise<SigningKey> {
  const { subtle } = globalThis.crypto;
  if (typeof input === 'string') {
    const body = input.replace(/-----(BEGIN|END) PRIVATE KEY-----|\s/g, '');
    const der = Uint8Array.from(atob(body), (c) => c.charCodeAt(0));
    const candidates: Array<[JwsAlgorithm, Algorithm | EcKeyImportParams | RsaHashedImportParams]> = [
      ['RS256', RSA],
      ['ES256', EC],
      ['EdDSA', ED],
    ];
    for (const [alg, algorithm] of candidates) {
      try {
        return { alg, key: await subtle.importKey('pkcs8', der, algorithm, false, ['sign']) };
      } catch {
        // not this key type: try the next
      }
    }
    throw new Error('the PKCS#8 key is not an RSA, EC P-256 or Ed25519 private key');
  }
  if (typeof CryptoKey !== 'undefined' && input instanceof CryptoKey)
    return { key: input, alg: algOf(input)! };
  const jwk = input as JsonWebKey;
  const [alg, algorithm] =
    jwk.kty === 'RSA'
      ? (['RS256', RSA] as const)
      : jwk.kty === 'EC'
        ? (['ES256', EC] as const)
        : (['EdDSA', ED] as const);
  const { alg: _alg, key_ops: _ops, use: _use, ...bare } = jwk as JsonWebKey & { use?: string };
  return { alg, key: await subtle.importKey('jwk', bare, algorithm, false, ['sign']) };
}

/** An HS256 key from a shared secret (`client_secret_jwt`). */
export async function importHmacKey(secret: string): Promise<SigningKey> {
  const key = await globalThis.crypto.subtle.importKey(
    'raw',
    encoder.encode(secret),
    { name: 'HMAC', hash: 'SHA-256' },
    false,
    ['sign'],
  );
  return { key, alg: 'HS256' };
}

const SIGN_PARAMS: Record<JwsAlgorithm, Algorithm | EcdsaParams> = {
  HS256: { name: 'HMAC' },
  RS256: { name: 'RSASSA-PKCS1-v1_5' },
  ES256: { name: 'ECDSA', hash: 'SHA-256' },
  EdDSA: { name: 'Ed25519' },
  Ed25519: { name: 'Ed25519' },
};

/** Sign a compact JWS (`header.payload.signature`). */
export async function signJwt(
  { key, alg }: SigningKey,
  payload: Record<string, unknown>,
  header: Record<string, unknown> = {},
): Promise<string> {
  const input = `${encodeBase64url(JSON.stringify({ alg, typ: 'JWT', ...header }))}.${encodeBase64url(JSON.stringify(payload))}`;
  const signature = await globalThis.crypto.subtle.sign(SIGN_PARAMS[alg], key, encoder.encode(input));
  return `${input}.${base64url(new Uint8Array(signature))}`;
}

/**
 * The claims of a JWT, READ BUT NOT VERIFIED (the resource server verifies access tokens; the
 * client only uses `exp` as an expiry hint). `undefined` if `token` is not a JWS JWT.
 */
export function readJwtClaims(token: string): Record<string, unknown> | undefined {
  const parts = token.split('.');
  if (parts.length !== 3 || !parts[1]) return undefined;
  try {
    const json = atob(parts[1].replace(/-/g, '+').replace(/_/g, '/'));
    const claims: unknown = JSON.parse(
      new TextDecoder().decode(Uint8Array.from(json, (c) => c.charCodeAt(0))),
    );
    return typeof claims === 'object' && claims !== null && !Array.isArray(claims)
      ? (claims as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}
