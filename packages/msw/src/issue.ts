/**
 * Minting tokens: opaque or RFC 9068 JWT access tokens, refresh tokens, OpenID `id_token`s, and
 * the RFC 6749 §5.1 token response. `timing: 'realistic'` truncates issue times to whole seconds.
 */
import { issuerOf, json, type ServerContext } from './context.js';
import { type Grant, randomHex } from './registry.js';

/** Extra inputs of a token response. */
export interface IssueExtras {
  /** Refresh-token family: a refresh token is issued in it when `withRefresh`. */
  familyId: number | undefined;
  withRefresh: boolean;
  /** `nonce` of the authorization request, echoed in the `id_token`. */
  nonce?: string | undefined;
  /** Issue an `id_token` (`openid` was granted: a code exchange or a refresh). */
  openid?: boolean | undefined;
  /** RFC 8693 `issued_token_type` (token exchange responses). */
  issuedTokenType?: string | undefined;
}

/** Issue time and lifetime in the server's clock, honouring `timing`. */
function times(ctx: ServerContext, ttlMs: number): { now: number; ttlMs: number } {
  const now = ctx.options.now();
  if (ctx.options.timing === 'exact') return { now, ttlMs };
  return { now: Math.floor(now / 1000) * 1000, ttlMs: Math.floor(ttlMs / 1000) * 1000 };
}

/** Mint an access token (opaque or JWT, per `accessTokenFormat`) and record it. */
export async function mintAccessToken(
  ctx: ServerContext,
  grant: Grant,
  familyId: number | undefined,
  request: Request | undefined,
): Promise<string> {
  const { options, registry } = ctx;
  const { now, ttlMs } = times(ctx, options.accessTokenTtlMs);
  let token: string | undefined;
  if (options.accessTokenFormat === 'jwt') {
    const iat = Math.floor(now / 1000);
    const claims: Record<string, unknown> = {
      iss: issuerOf(options, request),
      sub: grant.sub ?? grant.clientId,
      aud: grant.audience ?? grant.clientId,
      exp: Math.floor((now + ttlMs) / 1000),
      iat,
      jti: randomHex(16),
      client_id: grant.clientId,
    };
    if (grant.scopes.length > 0) claims.scope = grant.scopes.join(' ');
    if (grant.actor !== undefined) claims.act = { sub: grant.actor };
    if (grant.jkt !== undefined) claims.cnf = { jkt: grant.jkt };
    token = await ctx.key.sign(claims, 'at+jwt');
  }
  return registry.issueAccess(grant, now, ttlMs, familyId, options.singleActiveToken, token);
}

/**
 * An OpenID Connect `id_token` for an authorization-code grant or its refresh (no `nonce` then).
 * The claims oidc-provider sends by default: no `at_hash` or `auth_time` (optional in the code
 * flow unless asked for, OpenID Connect Core §3.1.3.6 and §2).
 */
async function idToken(
  ctx: ServerContext,
  grant: Grant,
  nonce: string | undefined,
  request: Request | undefined,
): Promise<string> {
  const { now, ttlMs } = times(ctx, ctx.options.accessTokenTtlMs);
  const claims: Record<string, unknown> = {
    iss: issuerOf(ctx.options, request),
    sub: grant.sub,
    aud: grant.clientId,
    exp: Math.floor((now + ttlMs) / 1000),
    iat: Math.floor(now / 1000),
  };
  if (nonce !== undefined) claims.nonce = nonce;
  return ctx.key.sign(claims, 'JWT');
}

/** The token endpoint's success response for `grant`. */
export async function tokenResponse(
  ctx: ServerContext,
  grant: Grant,
  extras: IssueExtras,
  request: Request,
): Promise<Response> {
  const { options, registry, stats } = ctx;
  const jkt = ctx.dpop?.bindings.get(request); // a token request with a valid DPoP proof
  const bound: Grant = jkt === undefined ? grant : { ...grant, jkt };
  const accessToken = await mintAccessToken(ctx, bound, extras.familyId, request);
  stats.tokensIssued += 1;
  const body: Record<string, unknown> = {
    access_token: accessToken,
    token_type: jkt === undefined ? options.tokenType : 'DPoP',
  };
  if (!options.omitExpiresIn) body.expires_in = Math.floor(options.accessTokenTtlMs / 1000);
  if (extras.withRefresh && extras.familyId !== undefined) {
    const { now } = times(ctx, 0);
    body.refresh_token = registry.issueRefresh(grant, now, options.refreshTokenTtlMs, extras.familyId);
    stats.refreshTokensIssued += 1;
  }
  if (grant.scopes.length > 0) body.scope = grant.scopes.join(' ');
  if (extras.issuedTokenType !== undefined) body.issued_token_type = extras.issuedTokenType;
  if (extras.openid) body.id_token = await idToken(ctx, grant, extras.nonce, request);
  return json(body, 200, ctx.dpop?.headers());
}
