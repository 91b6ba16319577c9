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
 * http.delete('https://api.example.com/items/:id', auth.protect(resolver, { scopes: ['write'] }));
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
}

/**
 * The resolver `protect` wraps: an MSW HTTP resolver whose `info` also carries `auth`.
 *
 * @example
 * ```ts
 * const me: ProtectedResolver = ({ auth }) => HttpResponse.json({ client: auth.clientId });
 * http.get('https://api.example.com/me', mock.protect(me));
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

/** Count a refused API request and build its RFC 6750 answer (401 or 403 with `WWW-Authenticate`). */
export function rejection(
  stats: MutableStats,
  reason: MockRejectionReason,
  required: readonly string[],
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
      headers: { 'WWW-Authenticate': `Bearer error="invalid_token", error_description="${description}"` },
    },
  );
}

/** Create `protect` for one mock server. */
export function createProtect(
  options: ResolvedOptions,
  registry: Registry,
  stats: MutableStats,
  key: SigningKey,
): Protect {
  const reject = (reason: MockRejectionReason, required: readonly string[]) =>
    rejection(stats, reason, required);

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
    rejectUnknownOptions('protect', protectOptions, { scopes: true, audience: true, verify: true });
    const required = checkVerifyOptions('protect', protectOptions);
    const { audience: wanted, verify = 'lookup' } = protectOptions;
    if (verify !== 'lookup' && verify !== 'jwt') {
      throw new TypeError(`protect: option "verify" must be 'lookup' or 'jwt'`);
    }
    if (verify === 'jwt' && options.accessTokenFormat !== 'jwt') {
      throw new TypeError(`protect: option "verify" 'jwt' needs the server option accessTokenFormat: 'jwt'`);
    }
    if (typeof resolver !== 'function') throw new TypeError('protect: "resolver" must be a function');
    return (info) => {
      stats.apiRequests += 1;
      const header = info.request.headers.get('Authorization') ?? '';
      const match = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i.exec(header);
      if (!match) return reject('missing', required) as Result;
      if (verify === 'jwt') {
        return judgeJwtAccessToken(key, options, match[1]!, protectOptions, required).then((judged) =>
          judged.ok
            ? resolver({ ...info, auth: judged.verified.auth })
            : (reject(judged.reason, required) as Awaited<Result>),
        ) as Result;
      }
      const result = registry.checkAccess(match[1]!, options.now());
      if ('rejection' in result) return reject(result.rejection, required) as Result;
      const { clientId, scopes, audience } = result.grant;
      if (wanted !== undefined && audience !== wanted) return reject('wrong_audience', required) as Result;
      if (!required.every((scope) => scopes.includes(scope)))
        return reject('insufficient_scope', required) as Result;
      return resolver({ ...info, auth: Object.freeze({ clientId, scopes, audience }) });
    };
  };
}
