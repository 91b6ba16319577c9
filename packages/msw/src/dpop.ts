/**
 * DPoP (RFC 9449) on the mock server, checked as a real server does: the proof's signature with
 * its embedded `jwk` (ES256, RS256, EdDSA), `typ`, `htm`/`htu`, the `iat` window, `jti` replay,
 * `ath` at resources, the token's key binding (`cnf.jkt`), and an optional server nonce.
 */
import { base64url, decodeJwt, sha256 } from './jwt.js';

/**
 * The `dpop` option of `createMockAuthServer`.
 *
 * @example
 * ```ts
 * createMockAuthServer({ tokenUrl, clients, dpop: { required: true, nonce: true } });
 * ```
 */
export interface MockDpopOptions {
  /**
   * Refuse token requests without a proof (`400 invalid_dpop_proof`). Unset, a request without
   * a proof gets a Bearer token, one with a proof a DPoP-bound token.
   * @default false
   */
  required?: boolean | undefined;
  /**
   * Require the server's current nonce in every proof (token endpoint and `protect`ed APIs):
   * a proof without it gets `use_dpop_nonce` with a `DPoP-Nonce` header (400 at the token
   * endpoint, 401 `WWW-Authenticate: DPoP error="use_dpop_nonce"` at a resource); every
   * response carries the current nonce. Only the CURRENT nonce is accepted (see `rotateNonce`).
   * @default false
   */
  nonce?: boolean | undefined;
  /**
   * How far a proof's `iat` may be from the server's clock, in seconds, either way.
   * @default 60
   */
  iatWindowSeconds?: number | undefined;
}

/**
 * DPoP counters and controls of a mock server (`auth.dpop`).
 *
 * @example
 * ```ts
 * auth.dpop.rotateNonce();
 * expect(auth.dpop.stats.nonceChallenges).toBe(1);
 * ```
 */
export interface MockDpopControls {
  /** The nonce proofs must carry now (`undefined` without `nonce: true`). */
  readonly nonce: string | undefined;
  /** Replace the nonce: proofs with the old one get `use_dpop_nonce` from now on. */
  rotateNonce(): string;
  /** Counters, zeroed by `reset()`. */
  readonly stats: MockDpopStats;
}

/**
 * What the mock's DPoP checks saw.
 *
 * @example
 * ```ts
 * expect(auth.dpop.stats.invalidProofs).toBe(0);
 * ```
 */
export interface MockDpopStats {
  /** Proofs accepted (token endpoint and resources). */
  proofsAccepted: number;
  /** `use_dpop_nonce` answers. */
  nonceChallenges: number;
  /** Proofs refused (`invalid_dpop_proof`), by the first reason found. */
  invalidProofs: number;
  /** The reason of the last refused proof (e.g. `'htu mismatch'`), for test diagnostics. */
  lastInvalidReason: string | undefined;
}

/** The outcome of checking a request's proof. */
export type ProofResult =
  | { ok: true; jkt: string | undefined }
  | { ok: false; error: 'invalid_dpop_proof' | 'use_dpop_nonce'; description: string };

/** One server's DPoP state. */
export interface MockDpop extends MockDpopControls {
  readonly required: boolean;
  /**
   * Check the `DPoP` header of `request` (absent: `jkt` undefined, unless `required`). With
   * `accessToken`, `ath` must be its hash (resources). Counts the outcome.
   */
  verify(request: Request, accessToken?: string, required?: boolean): Promise<ProofResult>;
  /** The headers every response carries (`DPoP-Nonce` in nonce mode). */
  headers(): Record<string, string>;
  /** Token requests with a valid proof, and its key's thumbprint (the token is bound to it). */
  readonly bindings: WeakMap<Request, string>;
  reset(): void;
}

const VERIFY: Record<
  string,
  { key: Algorithm | EcKeyImportParams | RsaHashedImportParams; sign: Algorithm | EcdsaParams }
> = {
  ES256: {
    key: { name: 'ECDSA', namedCurve: 'P-256' } as EcKeyImportParams,
    sign: { name: 'ECDSA', hash: 'SHA-256' } as EcdsaParams,
  },
  RS256: {
    key: { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' } as RsaHashedImportParams,
    sign: { name: 'RSASSA-PKCS1-v1_5' },
  },
  EdDSA: { key: { name: 'Ed25519' }, sign: { name: 'Ed25519' } },
  Ed25519: { key: { name: 'Ed25519' }, sign: { name: 'Ed25519' } },
};

/** The members RFC 7638 hashes, in order. */
const MEMBERS: Record<string, readonly string[]> = {
  EC: ['crv', 'kty', 'x', 'y'],
  RSA: ['e', 'kty', 'n'],
  OKP: ['crv', 'kty', 'x'],
};

/** RFC 7638 SHA-256 thumbprint of a public JWK. */
export async function jwkThumbprint(jwk: Record<string, unknown>): Promise<string> {
  const members = MEMBERS[String(jwk.kty)] ?? [];
  const canonical = JSON.stringify(Object.fromEntries(members.map((m) => [m, jwk[m]])));
  return base64url(await sha256(canonical));
}

const random = () => base64url(crypto.getRandomValues(new Uint8Array(16)));

/** Check the `dpop` option (a `TypeError` naming it) and create the server's DPoP state. */
export function createMockDpop(value: unknown, now: () => number): MockDpop | undefined {
  if (value === undefined || value === false) return undefined;
  const invalid = (name: string, expected: string): never => {
    throw new TypeError(`createMockAuthServer: option "${name}" must be ${expected}`);
  };
  if (value !== true && (typeof value !== 'object' || value === null))
    invalid('dpop', 'a boolean or an object');
  const o = (value === true ? {} : value) as MockDpopOptions;
  for (const key of Object.keys(o)) {
    if (!['required', 'nonce', 'iatWindowSeconds'].includes(key))
      invalid(`dpop.${key}`, 'a known option (required, nonce, iatWindowSeconds)');
  }
  for (const key of ['required', 'nonce'] as const) {
    if (o[key] !== undefined && typeof o[key] !== 'boolean') invalid(`dpop.${key}`, 'a boolean');
  }
  const windowSeconds = o.iatWindowSeconds ?? 60;
  if (typeof windowSeconds !== 'number' || !(windowSeconds >= 0))
    invalid('dpop.iatWindowSeconds', 'a number >= 0');

  let nonce = o.nonce ? random() : undefined;
  /** `jti`s seen, with the time (ms) after which they can no longer be replayed (iat window). */
  const seen = new Map<string, number>();
  const stats: MockDpopStats = {
    proofsAccepted: 0,
    nonceChallenges: 0,
    invalidProofs: 0,
    lastInvalidReason: undefined,
  };

  const refuse = (description: string): ProofResult => {
    stats.invalidProofs += 1;
    stats.lastInvalidReason = description;
    return { ok: false, error: 'invalid_dpop_proof', description };
  };

  async function verify(
    request: Request,
    accessToken?: string,
    required = o.required ?? false,
  ): Promise<ProofResult> {
    const header = request.headers.get('DPoP');
    if (header === null) return required ? refuse('a DPoP proof is required') : { ok: true, jkt: undefined };
    if (header.includes(',')) return refuse('more than one DPoP header');
    const jwt = decodeJwt(header.trim());
    if (!jwt) return refuse('the proof is not a JWS');
    const { alg, typ, jwk } = jwt.header as { alg?: unknown; typ?: unknown; jwk?: Record<string, unknown> };
    if (typ !== 'dpop+jwt') return refuse('typ is not dpop+jwt');
    const params = typeof alg === 'string' ? VERIFY[alg] : undefined;
    if (!params) return refuse('unsupported alg');
    if (typeof jwk !== 'object' || jwk === null || 'd' in jwk) return refuse('jwk is missing or private');
    let valid = false;
    try {
      const key = await crypto.subtle.importKey('jwk', jwk as JsonWebKey, params.key, false, ['verify']);
      valid = await crypto.subtle.verify(
        params.sign,
        key,
        jwt.signature,
        new TextEncoder().encode(jwt.input),
      );
    } catch {
      valid = false;
    }
    if (!valid) return refuse('bad signature');
    const { jti, htm, htu, iat, ath } = jwt.claims;
    if (typeof jti !== 'string' || jti === '') return refuse('jti is missing');
    if (htm !== request.method) return refuse('htm mismatch');
    const url = new URL(request.url);
    if (htu !== url.origin + url.pathname) return refuse('htu mismatch');
    const time = now();
    if (typeof iat !== 'number' || Math.abs(iat * 1000 - time) > windowSeconds * 1000) {
      return refuse('iat outside the window');
    }
    if (accessToken !== undefined && ath !== base64url(await sha256(accessToken)))
      return refuse('ath mismatch');
    if (nonce !== undefined && jwt.claims.nonce !== nonce) {
      stats.nonceChallenges += 1;
      return { ok: false, error: 'use_dpop_nonce', description: 'a DPoP nonce is required' };
    }
    for (const [id, until] of seen) if (until < time) seen.delete(id);
    if (seen.has(jti)) return refuse('jti replayed');
    seen.set(jti, time + 2 * windowSeconds * 1000);
    stats.proofsAccepted += 1;
    return { ok: true, jkt: await jwkThumbprint(jwk) };
  }

  return {
    required: o.required ?? false,
    get nonce() {
      return nonce;
    },
    rotateNonce() {
      nonce = random();
      return nonce;
    },
    stats,
    verify,
    bindings: new WeakMap(),
    headers: (): Record<string, string> => (nonce === undefined ? {} : { 'DPoP-Nonce': nonce }),
    reset() {
      seen.clear();
      Object.assign(stats, {
        proofsAccepted: 0,
        nonceChallenges: 0,
        invalidProofs: 0,
        lastInvalidReason: undefined,
      });
    },
  };
}
