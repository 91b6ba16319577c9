/**
 * Verifying the mock server's JWT access tokens as a resource server (an API) does: no lookup in
 * the server's memory, only the token itself — the signature with the key of the JWKS, the
 * RFC 9068 `typ`, `iss` (when the server has an `issuer`), `exp` in whole seconds against the API's
 * own clock, the audience and the scopes. Like a real API, it still accepts a revoked token until
 * it expires (use `protect` without `verify: 'jwt'`, or introspection, to see revocations).
 */
import { type DecodedJwt, decodeJwt, type SigningKey, verifySignature } from './jwt.js';
import type { ResolvedOptions } from './options.js';
import type { MockRejectionReason } from './stats.js';

/**
 * Options of `verifyAccessToken` (and of `protect` with `verify: 'jwt'`).
 *
 * @example
 * ```ts
 * const checked = await auth.verifyAccessToken(token, { audience: 'https://api.example.com', scopes: ['orders:read'] });
 * ```
 */
export interface VerifyAccessTokenOptions {
  /**
   * The API's identifier: `aud` must be (or contain) it, else the token is refused
   * (`wrong_audience`). Request tokens for it with `resource` (RFC 8707) or `audience`.
   * @default undefined (any audience)
   */
  audience?: string | undefined;
  /**
   * Scopes the token must carry (all of them); otherwise 403 `insufficient_scope`.
   * @default [] (any valid token)
   */
  scopes?: readonly string[] | undefined;
}

/**
 * What the resource server learns about a valid token.
 *
 * @example
 * ```ts
 * const checked = await auth.verifyAccessToken(token);
 * if (checked.ok) console.log(checked.claims.sub, checked.auth.scopes);
 * ```
 */
export interface VerifiedAccessToken {
  /** `true`: the token is valid for this API. */
  readonly ok: true;
  /** Client, scopes and audience (the first `aud`) of the token. */
  readonly auth: {
    /** The `client_id` the token was issued to. */
    readonly clientId: string;
    /** The token's scopes (`scope`, split on spaces). */
    readonly scopes: readonly string[];
    /** The first `aud` of the token, if any. */
    readonly audience: string | undefined;
  };
  /** Every claim of the verified token (`iss`, `sub`, `aud`, `exp`, `iat`, `jti`, `client_id`, `scope`, ...). */
  readonly claims: Readonly<Record<string, unknown>>;
}

/**
 * A refused token: why, and the RFC 6750 answer an API sends (401 `invalid_token` or 403
 * `insufficient_scope`, with `WWW-Authenticate: Bearer ...`).
 *
 * @example
 * ```ts
 * async function answer(token: string): Promise<Response> {
 *   const checked = await auth.verifyAccessToken(token, { audience: 'https://api.example.com' });
 *   if (!checked.ok) return checked.response;
 *   return Response.json({ user: checked.claims.sub });
 * }
 * ```
 */
export interface RejectedAccessToken {
  /** `false`: answer with `response`. */
  readonly ok: false;
  /** Why (also counted in `stats.rejectedApiRequestsByReason`). */
  readonly reason: MockRejectionReason;
  /** The response to send. */
  readonly response: Response;
}

/**
 * The outcome of `verifyAccessToken`.
 *
 * @example
 * ```ts
 * const checked: AccessTokenVerification = await auth.verifyAccessToken(token, { audience });
 * const response = checked.ok ? Response.json({ user: checked.claims.sub }) : checked.response;
 * ```
 */
export type AccessTokenVerification = VerifiedAccessToken | RejectedAccessToken;

/** Validate the options (TypeError naming the option); returns the required scopes. */
export function checkVerifyOptions(api: string, options: VerifyAccessTokenOptions): readonly string[] {
  const { audience, scopes = [] } = options;
  if (audience !== undefined && (typeof audience !== 'string' || audience === '')) {
    throw new TypeError(`${api}: option "audience" must be a non-empty string`);
  }
  if (!Array.isArray(scopes) || scopes.some((s) => typeof s !== 'string')) {
    throw new TypeError(`${api}: option "scopes" must be an array of strings`);
  }
  return scopes;
}

function typeOk(jwt: DecodedJwt): boolean {
  const typ = typeof jwt.header.typ === 'string' ? jwt.header.typ.toLowerCase() : '';
  return typ === 'at+jwt' || typ === 'application/at+jwt';
}

/** Judge a JWT access token; `reason` when refused. Never throws for a bad token. */
export async function judgeJwtAccessToken(
  key: SigningKey,
  options: ResolvedOptions,
  token: string,
  verify: VerifyAccessTokenOptions,
  required: readonly string[],
): Promise<{ ok: true; verified: VerifiedAccessToken } | { ok: false; reason: MockRejectionReason }> {
  const refuse = (reason: MockRejectionReason) => ({ ok: false as const, reason });
  const jwt = decodeJwt(token);
  if (!jwt || !typeOk(jwt)) return refuse('invalid');
  const { keys } = await key.jwks();
  const jwk = keys.find((k) => (k as { kid?: string }).kid === jwt.header.kid);
  if (!jwk || !(await verifySignature(jwt, jwk))) return refuse('invalid');
  const { iss, exp, aud, scope, client_id: clientId } = jwt.claims;
  if (options.issuer !== undefined && iss !== options.issuer) return refuse('invalid');
  // Whole seconds, as jose and most JWT libraries compare: expired once now (s) >= exp.
  if (typeof exp !== 'number' || Math.floor(options.apiNow() / 1000) >= exp) return refuse('expired');
  const audiences = (Array.isArray(aud) ? aud : [aud]).filter((a): a is string => typeof a === 'string');
  if (verify.audience !== undefined && !audiences.includes(verify.audience)) return refuse('wrong_audience');
  const scopes = typeof scope === 'string' ? scope.split(' ').filter(Boolean) : [];
  if (!required.every((s) => scopes.includes(s))) return refuse('insufficient_scope');
  const auth = Object.freeze({ clientId: String(clientId), scopes, audience: audiences[0] });
  return { ok: true, verified: Object.freeze({ ok: true, auth, claims: Object.freeze({ ...jwt.claims }) }) };
}
