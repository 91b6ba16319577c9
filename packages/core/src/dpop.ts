/**
 * `@tokvault/core/dpop`: DPoP (RFC 9449) sender-constrained tokens. One {@link createDpop}
 * handle, given to `createTokenVault({ dpop })`, makes the vault's OAuth sources ask for
 * DPoP-bound tokens and every adapter send `Authorization: DPoP <token>` with a fresh proof per
 * request. WebCrypto only, no dependency. Not in the core entry: apps without DPoP never load it.
 *
 * @module
 */
import { checkOptions, invalidOption } from './checkOptions.js';
import type { Dpop, DpopAlgorithm } from './dpopTypes.js';
import { encodeBase64url } from './oauth2/jwt.js';

export type { Dpop, DpopAlgorithm } from './dpopTypes.js';

/**
 * Options of {@link createDpop}.
 *
 * @example
 * ```ts
 * const options: DpopOptions = { alg: 'EdDSA' };
 * ```
 */
export interface DpopOptions {
  /**
   * The algorithm of a generated key pair. A supplied `keyPair` brings its own algorithm
   * (RSASSA-PKCS1-v1_5 SHA-256 is RS256, ECDSA P-256 is ES256, Ed25519 is EdDSA).
   * @default 'ES256'
   */
  alg?: DpopAlgorithm | undefined;
  /**
   * The key pair that proofs are signed with: a WebCrypto `CryptoKeyPair` (or a promise of one,
   * e.g. loaded from IndexedDB or a secret manager). Every process and tab that sends the
   * vault's tokens must use the SAME key: a DPoP-bound token is useless without it.
   * @default a new non-extractable key pair, generated on first use (this process only)
   * @example
   * ```ts
   * keyPair: await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign', 'verify'])
   * ```
   */
  keyPair?: CryptoKeyPair | Promise<CryptoKeyPair> | undefined;
  /**
   * Clock of the proofs' `iat`, epoch ms. Inject for tests (give the vault's `now`), or to
   * correct a known skew against the servers.
   * @default Date.now
   */
  now?: (() => number) | undefined;
}

const GENERATE: Record<DpopAlgorithm, RsaHashedKeyGenParams | EcKeyGenParams | Algorithm> = {
  ES256: { name: 'ECDSA', namedCurve: 'P-256' },
  RS256: {
    name: 'RSASSA-PKCS1-v1_5',
    modulusLength: 2048,
    publicExponent: new Uint8Array([1, 0, 1]),
    hash: 'SHA-256',
  } as RsaHashedKeyGenParams,
  EdDSA: { name: 'Ed25519' },
};

/**
 * Generate a NON-EXTRACTABLE DPoP key pair for `alg` (script can sign with the private key but
 * never read it). What {@link createDpop} does without `keyPair`; use it to create a key that you
 * keep yourself (e.g. in IndexedDB, as `@tokvault/browser`'s `loadDpopKeyPair` does).
 *
 * @param alg - the JWS algorithm.
 * @default alg 'ES256'
 * @example
 * ```ts
 * const keyPair = await generateDpopKeyPair('EdDSA');
 * const dpop = createDpop({ keyPair });
 * ```
 */
export async function generateDpopKeyPair(alg: DpopAlgorithm = 'ES256'): Promise<CryptoKeyPair> {
  return (await globalThis.crypto.subtle.generateKey(GENERATE[alg], false, [
    'sign',
    'verify',
  ])) as CryptoKeyPair;
}

const SIGN: Record<DpopAlgorithm, Algorithm | EcdsaParams> = {
  ES256: { name: 'ECDSA', hash: 'SHA-256' } as EcdsaParams,
  RS256: { name: 'RSASSA-PKCS1-v1_5' },
  EdDSA: { name: 'Ed25519' },
};

/** The JWS algorithm of a key pair, or `undefined` when DPoP cannot use it. */
function algOf(key: CryptoKey): DpopAlgorithm | undefined {
  const { name, namedCurve, hash } = key.algorithm as { name: string; namedCurve?: string; hash?: Algorithm };
  if (name === 'ECDSA' && namedCurve === 'P-256') return 'ES256';
  if (name === 'RSASSA-PKCS1-v1_5' && hash?.name === 'SHA-256') return 'RS256';
  if (name === 'Ed25519') return 'EdDSA';
  return undefined;
}

/** The members of a public JWK that RFC 7638 hashes, in lexicographic order. */
const THUMBPRINT_MEMBERS: Record<string, readonly string[]> = {
  EC: ['crv', 'kty', 'x', 'y'],
  RSA: ['e', 'kty', 'n'],
  OKP: ['crv', 'kty', 'x'],
};

/** The required members of a public JWK, in RFC 7638 order (no `d`, `ext`, `key_ops`). */
function publicJwk(jwk: JsonWebKey): Record<string, string> {
  const members = THUMBPRINT_MEMBERS[jwk.kty ?? ''] ?? [];
  return Object.fromEntries(members.map((member) => [member, String(jwk[member as keyof JsonWebKey])]));
}

/** base64url(SHA-256(text)): `ath` of a token, RFC 7638 thumbprint of a canonical JWK. */
export async function sha256Base64url(text: string): Promise<string> {
  const digest = await globalThis.crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  return encodeBase64url(new Uint8Array(digest));
}

/** `htu` (`url` without query and fragment, resolved against the page in a browser) and the origin nonces are kept under. */
function target(url: string | URL): { htu: string; origin: string } {
  const parsed = new URL(url, globalThis.location?.href);
  return { htu: parsed.origin + parsed.pathname, origin: parsed.origin };
}

/** The origin nonces are kept under; `''` for a URL that cannot be parsed. */
function originOf(url: string | URL): string {
  try {
    return target(url).origin;
  } catch {
    return '';
  }
}

const ALGS: readonly DpopAlgorithm[] = ['ES256', 'RS256', 'EdDSA'];

/**
 * Create the DPoP handle of a vault: the key pair that proofs are signed with, and the nonces
 * servers asked for (per origin). Pass it to `createTokenVault({ dpop })`: the vault hands it to
 * its OAuth source (`clientCredentials`, `refreshTokenGrant`, …), whose token requests then carry
 * a proof, and the adapters (axios, ky, fetch, undici) sign a proof for every request that
 * carries a `DPoP` token. Without `keyPair`, a non-extractable key pair is generated on first use.
 *
 * Keys: in a browser, keep a non-extractable key pair in IndexedDB and pass it to every tab (the
 * tabs share the token, so they must share its key); in a fleet, every process must be given the
 * same key pair (e.g. imported from a secret manager), or each process binds its own tokens and
 * must not share them through a store. Neither the key nor a proof ever appears in an error or
 * an event.
 *
 * @throws TypeError naming `alg` or `keyPair` when one is invalid.
 * @example
 * ```ts
 * import { createTokenVault } from '@tokvault/core';
 * import { createDpop } from '@tokvault/core/dpop';
 * import { clientCredentials } from '@tokvault/core/oauth2';
 *
 * const vault = createTokenVault({
 *   dpop: createDpop(), // ES256, generated key
 *   fetchToken: clientCredentials({ issuer: 'https://auth.example.com', clientId, clientSecret }),
 * });
 * ```
 */
export function createDpop(options: DpopOptions = {}): Dpop {
  const api = 'createDpop';
  checkOptions(api, options, {
    alg: [(value) => ALGS.includes(value as DpopAlgorithm), "'ES256', 'RS256' or 'EdDSA'"],
    keyPair: [
      (value) => typeof value === 'object' && value !== null,
      'a CryptoKeyPair (or a promise of one)',
    ],
    now: [(value) => typeof value === 'function', 'a function'],
  });
  const now = options.now ?? Date.now;
  const generated = options.alg ?? 'ES256';
  const nonces = new Map<string, string>();
  /** The private key, its algorithm, the encoded JWS header (the same for every proof), the thumbprint. */
  let ready: Promise<{ key: CryptoKey; alg: DpopAlgorithm; header: string; jkt: string }> | undefined;
  /** `ath` of the last token: every request with that token needs it (one hash per token). */
  let ath: { token: string; hash: Promise<string> } | undefined;

  const load = () => {
    ready ??= (async () => {
      const { subtle } = globalThis.crypto;
      const pair = (await options.keyPair) ?? (await generateDpopKeyPair(generated));
      const alg = pair?.privateKey && algOf(pair.privateKey);
      if (!alg || pair.privateKey.type !== 'private' || pair.publicKey?.type !== 'public') {
        invalidOption(api, 'keyPair', 'an ES256, RS256 or EdDSA CryptoKeyPair', pair);
      }
      const jwk = publicJwk(await subtle.exportKey('jwk', pair.publicKey));
      const header = encodeBase64url(JSON.stringify({ alg, typ: 'dpop+jwt', jwk }));
      return { key: pair.privateKey, alg, header, jkt: await sha256Base64url(JSON.stringify(jwk)) };
    })();
    ready.catch(() => {
      ready = undefined; // a failed load (bad key) fails this call, not every later one
    });
    return ready;
  };

  return {
    async thumbprint() {
      return (await load()).jkt;
    },
    async proof(method, url, accessToken) {
      const { key, alg, header } = await load();
      const { htu, origin } = target(url);
      const payload: Record<string, unknown> = {
        jti: globalThis.crypto.randomUUID(),
        htm: method.toUpperCase(),
        htu,
        iat: Math.floor(now() / 1000),
      };
      const nonce = nonces.get(origin);
      if (nonce !== undefined) payload.nonce = nonce;
      if (accessToken !== undefined) {
        if (ath?.token !== accessToken) ath = { token: accessToken, hash: sha256Base64url(accessToken) };
        payload.ath = await ath.hash;
      }
      const input = `${header}.${encodeBase64url(JSON.stringify(payload))}`;
      const signature = await globalThis.crypto.subtle.sign(SIGN[alg], key, new TextEncoder().encode(input));
      return `${input}.${encodeBase64url(new Uint8Array(signature))}`;
    },
    nonce: (url) => nonces.get(originOf(url)),
    setNonce(url, nonce) {
      if (typeof nonce !== 'string' || nonce === '') return;
      if (nonces.size >= 64) nonces.clear();
      nonces.set(originOf(url), nonce);
    },
    toJSON: () => 'Dpop',
  };
}
