/**
 * The token endpoint (RFC 6749 §3.2): `client_credentials`, `refresh_token` and
 * `authorization_code` (with PKCE) grants, the JWT bearer grant (RFC 7523 §2.1) and token
 * exchange (RFC 8693), refresh-token rotation with reuse detection, RFC-shaped error bodies (§5.2).
 */
import { redeemCode } from './authorizationCode.js';
import { verifyGrantAssertion } from './clientAssertion.js';
import { authenticateClient } from './clientAuth.js';
import { issuerOf, json, type ServerContext } from './context.js';
import { failureResponse, wait } from './failures.js';
import { tokenResponse } from './issue.js';
import { ALL_GRANTS, DEFAULT_GRANTS, type MockClient, type MockGrantType, targetOf } from './options.js';
import type { Grant } from './registry.js';
import type { MockAuthStats, MockTokenErrorCode } from './stats.js';
import { checkExchange, ISSUED_TOKEN_TYPE } from './tokenExchange.js';

type ErrorCode = Exclude<MockTokenErrorCode, 'injected'>;

const JWT_BEARER = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
const TOKEN_EXCHANGE = 'urn:ietf:params:oauth:grant-type:token-exchange';

/** The stats key of a grant type. */
function statKey(grant: MockGrantType | undefined): keyof MockAuthStats['tokenRequestsByGrant'] {
  if (grant === JWT_BEARER) return 'jwt_bearer';
  if (grant === TOKEN_EXCHANGE) return 'token_exchange';
  return grant ?? 'other';
}

function parseScopes(value: string | null): string[] | undefined {
  if (value === null) return undefined;
  return value.split(' ').filter((scope) => scope !== '');
}

function hasDuplicates(form: URLSearchParams): boolean {
  const seen = new Set<string>();
  for (const key of form.keys()) {
    if (seen.has(key)) return true;
    seen.add(key);
  }
  return false;
}

/** The form body of a POST, or `undefined` when it is not `application/x-www-form-urlencoded`. */
export async function readForm(request: Request): Promise<URLSearchParams | undefined> {
  const type = request.headers.get('Content-Type') ?? '';
  if (!/^application\/x-www-form-urlencoded\b/i.test(type)) return undefined;
  return new URLSearchParams(await request.text());
}

/**
 * An OAuth error response; counts it. `basicRealm`: the client used HTTP Basic, so a 401 carries
 * a Basic challenge (RFC 6749 §5.2) with the issuer as realm, as oidc-provider sends it.
 */
export function tokenError(
  ctx: ServerContext,
  code: ErrorCode,
  description: string,
  basicRealm?: string,
): Response {
  ctx.stats.tokenErrors[code] += 1;
  const status = code === 'invalid_client' ? 401 : 400;
  const challenge = `Basic realm="${basicRealm}", error="${code}", error_description="${description}"`;
  const headers: Record<string, string> =
    status === 401 && basicRealm !== undefined ? { 'WWW-Authenticate': challenge } : {};
  return json({ error: code, error_description: description }, status, headers);
}

/** The realm of a Basic challenge for a request that authenticated with Basic, else `undefined`. */
export function basicRealm(ctx: ServerContext, request: Request, basic: boolean): string | undefined {
  return basic ? (issuerOf(ctx.options, request) ?? 'mock') : undefined;
}

/** Create the request handler of the token endpoint (shared by MSW and `listen()`). */
export function createTokenEndpoint(ctx: ServerContext): (request: Request) => Promise<Response> {
  const { options, registry, stats } = ctx;
  const error = (code: ErrorCode, description: string) => tokenError(ctx, code, description);

  function resolveScopes(requested: string[] | undefined, allowed: readonly string[] | undefined) {
    if (requested === undefined) return allowed ?? [];
    if (allowed && requested.some((scope) => !allowed.includes(scope))) return undefined;
    return requested;
  }

  /** A new grant for `client` (scope and audience from the request), for itself or for `sub`. */
  function issueNew(
    client: MockClient,
    form: URLSearchParams,
    request: Request,
    who: Pick<Grant, 'sub' | 'actor'> = {},
    issuedTokenType?: string,
  ) {
    const scopes = resolveScopes(parseScopes(form.get('scope')), client.scopes);
    if (!scopes) return error('invalid_scope', 'requested scope is not allowed for this client');
    const target = targetOf(options, form.get('resource'), form.get('audience'));
    if (!target.ok) return error('invalid_target', target.description);
    const grant: Grant = { clientId: client.clientId, scopes, audience: target.audience, ...who };
    const familyId = options.issueRefreshTokens ? registry.newFamily() : undefined;
    const extras = { familyId, withRefresh: options.issueRefreshTokens, issuedTokenType };
    return tokenResponse(ctx, grant, extras, request);
  }

  function clientCredentials(client: MockClient, form: URLSearchParams, request: Request) {
    if (client.clientSecret === undefined && client.jwks === undefined) {
      return error('unauthorized_client', 'public clients cannot use client_credentials');
    }
    return issueNew(client, form, request);
  }

  async function jwtBearer(client: MockClient, form: URLSearchParams, request: Request) {
    const assertion = form.get('assertion');
    if (!assertion) return error('invalid_request', 'assertion is missing');
    const verified = await verifyGrantAssertion(ctx, request, assertion, client);
    if (!verified.ok) return error('invalid_grant', verified.description);
    return issueNew(client, form, request, { sub: verified.sub });
  }

  function tokenExchange(client: MockClient, form: URLSearchParams, request: Request) {
    const checked = checkExchange(ctx, form);
    if (!checked.ok) return error('invalid_request', checked.description);
    return issueNew(client, form, request, { sub: checked.sub, actor: checked.actor }, ISSUED_TOKEN_TYPE);
  }

  function refreshToken(client: MockClient, form: URLSearchParams, request: Request) {
    const presented = form.get('refresh_token');
    if (!presented) return error('invalid_request', 'refresh_token is missing');
    const record = registry.refreshRecord(presented);
    const now = options.now();
    if (!record || record.clientId !== client.clientId)
      return error('invalid_grant', 'refresh token is invalid');
    if (record.status === 'revoked') return error('invalid_grant', 'refresh token was revoked');
    if (record.expiresAt !== undefined && now >= record.expiresAt) {
      return error('invalid_grant', 'refresh token has expired');
    }
    if (record.status === 'rotated' && now - (record.rotatedAt ?? now) >= options.reuseGraceMs) {
      registry.revokeFamily(record.familyId);
      stats.reuseDetections += 1;
      return error('invalid_grant', 'refresh token reuse detected; the token family was revoked');
    }
    const scopes = resolveScopes(parseScopes(form.get('scope')), record.scopes);
    if (!scopes) return error('invalid_scope', 'requested scope exceeds the original grant');
    const grant: Grant = { clientId: client.clientId, scopes, audience: record.audience, sub: record.sub };
    if (options.rotateRefreshTokens) registry.rotate(presented, now);
    const extras = {
      familyId: record.familyId,
      withRefresh: options.rotateRefreshTokens,
      openid: scopes.includes('openid'),
    };
    return tokenResponse(ctx, grant, extras, request);
  }

  async function authorizationCode(client: MockClient, form: URLSearchParams, request: Request) {
    if (form.get('code') === null) return error('invalid_request', 'code is missing');
    const redeemed = await redeemCode(ctx, client, form);
    if (!redeemed.ok) return error('invalid_grant', redeemed.description);
    const { record } = redeemed;
    record.familyId = registry.newFamily();
    const grant: Grant = {
      clientId: client.clientId,
      scopes: record.scopes,
      audience: record.audience,
      sub: record.sub,
    };
    const openid = record.scopes.includes('openid');
    // OpenID Connect Core §11: with `openid`, a refresh token only for `offline_access`.
    const withRefresh = !openid || record.scopes.includes('offline_access');
    return tokenResponse(
      ctx,
      grant,
      { familyId: record.familyId, withRefresh, openid, nonce: record.nonce },
      request,
    );
  }

  return async function handleTokenRequest(request: Request): Promise<Response> {
    stats.tokenRequests += 1;
    const form = await readForm(request);
    const grantType = form?.get('grant_type') ?? null;
    const known = ALL_GRANTS.includes(grantType as MockGrantType) ? (grantType as MockGrantType) : undefined;
    stats.tokenRequestsByGrant[statKey(known)] += 1;
    await wait(ctx.latencyMs() + Math.random() * options.latencyJitterMs);
    const failure = ctx.failures.take();
    if (failure) {
      await wait(failure.delayMs ?? 0);
      stats.tokenErrors.injected += 1;
      return failureResponse(failure);
    }
    if (!form) return error('invalid_request', 'the body must be application/x-www-form-urlencoded');
    if (hasDuplicates(form)) return error('invalid_request', 'a parameter was sent more than once');
    const proof = await ctx.dpop?.verify(request);
    if (proof && !proof.ok) {
      const body = { error: proof.error, error_description: proof.description };
      return json(body, 400, ctx.dpop!.headers());
    }
    if (proof?.jkt) ctx.dpop!.bindings.set(request, proof.jkt);
    const auth = await authenticateClient(ctx, request, form);
    if (!auth.ok) return tokenError(ctx, auth.error, auth.description, basicRealm(ctx, request, auth.basic));
    if (grantType === null) return error('invalid_request', 'grant_type is missing');
    if (!known) return error('unsupported_grant_type', 'grant_type is not supported');
    const allowed: readonly MockGrantType[] = auth.client.grants ?? DEFAULT_GRANTS;
    if (!allowed.includes(known)) return error('unauthorized_client', `client may not use ${known}`);
    if (known === 'client_credentials') return clientCredentials(auth.client, form, request);
    if (known === 'refresh_token') return refreshToken(auth.client, form, request);
    if (known === JWT_BEARER) return jwtBearer(auth.client, form, request);
    if (known === TOKEN_EXCHANGE) return tokenExchange(auth.client, form, request);
    return authorizationCode(auth.client, form, request);
  };
}
