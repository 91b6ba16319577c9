/**
 * `protect(resolver)`: a higher-order MSW resolver that guards an app's own API handlers with
 * the mock server's access tokens (RFC 6750 bearer tokens).
 */
import type {
  AsyncResponseResolverReturnType,
  DefaultBodyType,
  HttpRequestResolverExtras,
  HttpResponseResolver,
  PathParams,
  ResponseResolver,
} from 'msw';
import type { MockDpop } from './dpop.js';
import type { SigningKey } from './jwt.js';
import { type ResolvedOptions, rejectUnknownOptions } from './options.js';
import type { Registry } from './registry.js';
import type { MockRejectionReason, MutableStats } from './stats.js';
import { checkVerifyOptions, judgeJwtAccessToken } from './verifyAccessToken.js';

/**
 * Options of `protect`.
 *
 * @example
 * ```ts
 * const remove = () => new HttpResponse(null, { status: 204 });
 * http.delete('https://api.example.com/items/:id', auth.protect(remove, { scopes: ['write'] }));
 * ```
 */
export interface ProtectOptions {
  /**
   * Scopes the token must carry (all of them); otherwise 403 `insufficient_scope`.
   * @default [] (any valid token)
   */
  scopes?: readonly string[] | undefined;
  /**
   * The API's identifier: the token's audience (`resource`/`audience` of the token request, the
   * JWT's `aud`) must be it, else 401 (`wrong_audience`).
   * @default undefined (any audience)
   */
  audience?: string | undefined;
  /**
   * How a token is checked. `'lookup'`: in the server's memory, so `expireAll`, `revoke` and
   * `singleActiveToken` apply at once. `'jwt'`: as a real API verifies JWT access tokens (needs
   * `accessTokenFormat: 'jwt'`): signature with the JWKS key, `exp` in whole seconds against `now`
   * (without `clockSkewMs`), audience and scopes — a revoked token stays valid until its `exp`.
   * @default 'lookup'
   */
  verify?: 'lookup' | 'jwt' | undefined;
  /**
   * DPoP (needs the server's `dpop` option): `true` refuses Bearer tokens, only DPoP-bound
   * tokens with a valid proof pass. Either way a DPoP-bound token must come as `DPoP <token>`
   * with a proof (`ath`, `htm`/`htu`, `iat`, `jti`, the nonce in nonce mode) by its key.
   * @default false
   */
  dpop?: boolean | undefined;
}

/**
 * What a protected resolver learns about the caller's valid access token (as `info.auth`).
 *
 * @example
 * ```ts
 * auth.protect(({ auth }) => HttpResponse.json({ client: auth.clientId }));
 * ```
 */
export interface MockAuthInfo {
  /** The client the token was issued to. */
  readonly clientId: string;
  /** Its granted scopes. */
  readonly scopes: readonly string[];
  /** Its audience, if one was requested. */
  readonly audience: string | undefined;
  /** DPoP: the thumbprint of the key the token is bound to (and the proof was signed with). */
  readonly jkt?: string | undefined;
}

/**
 * The resolver `protect` wraps: an MSW HTTP resolver whose `info` also carries `auth`.
 *
 * @example
 * ```ts
 * const me: ProtectedResolver = ({ auth }) => HttpResponse.json({ client: auth.clientId });
 * http.get('https://api.example.com/me', auth.protect(me));
 * ```
 */
export type ProtectedResolver<
  Params extends PathParams<keyof Params> = PathParams,
  RequestBodyType extends DefaultBodyType = DefaultBodyType,
  ResponseBodyType extends DefaultBodyType = undefined,
> = ResponseResolver<
  HttpRequestResolverExtras<Params> & { auth: MockAuthInfo },
  RequestBodyType,
  ResponseBodyType
>;

/**
 * Signature of `MockAuthServer.protect`: wraps a {@link ProtectedResolver} into a plain MSW resolver.
 *
 * @example
 * ```ts
 * const guard: Protect = auth.protect;
 * http.get('https://api.example.com/orders', guard(() => HttpResponse.json([]), { scopes: ['orders:read'] }));
 * ```
 */
export type Protect = <
  Params extends PathParams<keyof Params> = PathParams,
  RequestBodyType extends DefaultBodyType = DefaultBodyType,
  ResponseBodyType extends DefaultBodyType = undefined,
>(
  resolver: ProtectedResolver<Params, RequestBodyType, ResponseBodyType>,
  options?: ProtectOptions,
) => HttpResponseResolver<Params, RequestBodyType, ResponseBodyType>;

const DESCRIPTIONS: Record<Exclude<MockRejectionReason, 'insufficient_scope'>, string> = {
  missing: 'no bearer token in the Authorization header',
  unknown: 'the access token is not known',
  expired: 'the access token expired',
  revoked: 'the access token was revoked',
  superseded: 'the access token was replaced by a newer one',
  invalid: 'the access token is not a valid JWT of this server',
  wrong_audience: 'the access token is for another audience',
};

/**
 * Count a refused API request and build its RFC 6750 answer (401 or 403 with `WWW-Authenticate`).
 * `scheme` is the one the request used (`Bearer` or `DPoP`); `headers` are added (a DPoP nonce).
 */
export function rejection(
  stats: MutableStats,
  reason: MockRejectionReason,
  required: readonly string[],
  scheme = 'Bearer',
  headers: Record<string, string> = {},
): Response {
  stats.rejectedApiRequests += 1;
  stats.rejectedApiRequestsByReason[reason] += 1;
  if (reason === 'insufficient_scope') {
    const description = 'the access token lacks a required scope';
    return Response.json(
      { error: 'insufficient_scope', error_description: description, scope: required.join(' ') },
      {
        status: 403,
        headers: {
          'WWW-Authenticate': `Bearer error="insufficient_scope", error_description="${description}", scope="${required.join(' ')}"`,
        },
      },
    );
  }
  const description = DESCRIPTIONS[reason];
  return Response.json(
    { error: 'invalid_token', error_description: description },
    {
      status: 401,
      headers: {
        'WWW-Authenticate': `${scheme} error="invalid_token", error_description="${description}"`,
        ...headers,
      },
    },
  );
}

/** Create `protect` for one mock server. */
export function createProtect(
  options: ResolvedOptions,
  registry: Registry,
  stats: MutableStats,
  key: SigningKey,
  dpop?: MockDpop | undefined,
): Protect {
  const reject = (reason: MockRejectionReason, required: readonly string[], scheme = 'Bearer') =>
    rejection(stats, reason, required, scheme, dpop?.headers());
  /** A DPoP refusal: 401 with a `DPoP` challenge (and the nonce in nonce mode). */
  function rejectDpop(error: string, description: string): Response {
    const challenge = `DPoP error="${error}", error_description="${description}", algs="ES256 RS256 EdDSA"`;
    return Response.json(
      { error, error_description: description },
      { status: 401, headers: { 'WWW-Authenticate': challenge, ...dpop?.headers() } },
    );
  }

  return function protect<
    Params extends PathParams<keyof Params> = PathParams,
    RequestBodyType extends DefaultBodyType = DefaultBodyType,
    ResponseBodyType extends DefaultBodyType = undefined,
  >(
    resolver: ProtectedResolver<Params, RequestBodyType, ResponseBodyType>,
    protectOptions: ProtectOptions = {},
  ): HttpResponseResolver<Params, RequestBodyType, ResponseBodyType> {
    type Result = AsyncResponseResolverReturnType<ResponseBodyType>;
    if (typeof protectOptions !== 'object' || protectOptions === null) {
      throw new TypeError('protect: options must be an object');
    }
    rejectUnknownOptions('protect', protectOptions, {
      scopes: true,
      audience: true,
      verify: true,
      dpop: true,
    });
    const required = checkVerifyOptions('protect', protectOptions);
    const { audience: wanted, verify = 'lookup' } = protectOptions;
    if (verify !== 'lookup' && verify !== 'jwt') {
      throw new TypeError(`protect: option "verify" must be 'lookup' or 'jwt'`);
    }
    if (verify === 'jwt' && options.accessTokenFormat !== 'jwt') {
      throw new TypeError(`protect: option "verify" 'jwt' needs the server option accessTokenFormat: 'jwt'`);
    }
    const dpopOnly = protectOptions.dpop ?? false;
    if (typeof dpopOnly !== 'boolean') throw new TypeError('protect: option "dpop" must be a boolean');
    if (dpopOnly && !dpop) throw new TypeError('protect: option "dpop" needs the server\'s "dpop" option');
    if (typeof resolver !== 'function') throw new TypeError('protect: "resolver" must be a function');
    return (info) => {
      stats.apiRequests += 1;
      const header = info.request.headers.get('Authorization') ?? '';
      const match = /^(Bearer|DPoP) +([A-Za-z0-9\-._~+/]+=*) *$/i.exec(header);
      const isDpop = match?.[1]?.toLowerCase() === 'dpop';
      if (!match || (isDpop && !dpop)) return reject('missing', required) as Result;
      if (dpopOnly && !isDpop) return rejectDpop('invalid_token', 'a DPoP-bound token is required') as Result;
      const scheme = match[1]!;
      const token = match[2]!;
      /** The token is bound to `bound`; the request proved `jkt` (undefined: no proof). */
      const bindingFault = (bound: string | undefined, jkt: string | undefined): Result | undefined => {
        if (bound === jkt) return undefined;
        const why = jkt ? 'the token is not bound to the proof key' : 'a DPoP-bound token needs a proof';
        return rejectDpop('invalid_token', why) as Result;
      };
      const authorize = (jkt: string | undefined): Result => {
        if (verify === 'jwt') {
          return judgeJwtAccessToken(key, options, token, protectOptions, required).then((judged) => {
            if (!judged.ok) return reject(judged.reason, required, scheme) as Awaited<Result>;
            const cnf = judged.verified.claims.cnf as { jkt?: unknown } | undefined;
            const bound = typeof cnf?.jkt === 'string' ? cnf.jkt : undefined;
            return (bindingFault(bound, jkt) ??
              resolver({ ...info, auth: { ...judged.verified.auth, jkt } })) as Awaited<Result>;
          }) as Result;
        }
        const result = registry.checkAccess(token, options.now());
        if ('rejection' in result) return reject(result.rejection, required, scheme) as Result;
        const { clientId, scopes, audience, jkt: bound } = result.grant;
        const fault = bindingFault(bound, jkt);
        if (fault) return fault;
        if (wanted !== undefined && audience !== wanted)
          return reject('wrong_audience', required, scheme) as Result;
        if (!required.every((scope) => scopes.includes(scope)))
          return reject('insufficient_scope', required) as Result;
        return resolver({ ...info, auth: Object.freeze({ clientId, scopes, audience, jkt }) });
      };
      if (!isDpop) return authorize(undefined);
      // The proof first (as a real resource server does): signature, htm/htu, iat, jti, ath, nonce.
      return dpop!
        .verify(info.request, token, true)
        .then((proof) =>
          proof.ok ? authorize(proof.jkt) : (rejectDpop(proof.error, proof.description) as Result),
        ) as Result;
    };
  };
}
