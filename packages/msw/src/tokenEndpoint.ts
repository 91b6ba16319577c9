/**
 * The token endpoint (RFC 6749 §3.2): `client_credentials` and `refresh_token` grants,
 * refresh-token rotation with reuse detection, RFC-shaped error bodies (§5.2).
 */
import { authenticateClient } from './clientAuth.js';
import { type FailureQueue, failureResponse, wait } from './failures.js';
import type { MockClient, MockGrantType, ResolvedOptions } from './options.js';
import type { Grant, Registry } from './registry.js';
import type { MockTokenErrorCode, MutableStats } from './stats.js';

/** What the token endpoint needs from its server. */
export interface TokenEndpointContext {
  options: ResolvedOptions;
  registry: Registry;
  stats: MutableStats;
  failures: FailureQueue;
  latencyMs: () => number;
}

type ErrorCode = Exclude<MockTokenErrorCode, 'injected'>;

const NO_STORE = { 'Cache-Control': 'no-store', Pragma: 'no-cache' } as const;

function json(body: unknown, status: number, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'Content-Type': 'application/json', ...NO_STORE, ...headers },
  });
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

async function readForm(request: Request): Promise<URLSearchParams | undefined> {
  const type = request.headers.get('Content-Type') ?? '';
  if (!/^application\/x-www-form-urlencoded\b/i.test(type)) return undefined;
  return new URLSearchParams(await request.text());
}

/** Create the request handler of the token endpoint (shared by MSW and `listen()`). */
export function createTokenEndpoint(ctx: TokenEndpointContext): (request: Request) => Promise<Response> {
  const { options, registry, stats } = ctx;

  function error(code: ErrorCode, description: string, headers?: Record<string, string>): Response {
    stats.tokenErrors[code] += 1;
    return json(
      { error: code, error_description: description },
      code === 'invalid_client' ? 401 : 400,
      headers,
    );
  }

  function issue(grant: Grant, familyId: number | undefined, withRefresh: boolean): Response {
    const now = options.now();
    const accessToken = registry.issueAccess(
      grant,
      now,
      options.accessTokenTtlMs,
      familyId,
      options.singleActiveToken,
    );
    stats.tokensIssued += 1;
    const body: Record<string, unknown> = {
      access_token: accessToken,
      token_type: options.tokenType,
      expires_in: Math.floor(options.accessTokenTtlMs / 1000),
    };
    if (withRefresh && familyId !== undefined) {
      body.refresh_token = registry.issueRefresh(grant, now, options.refreshTokenTtlMs, familyId);
      stats.refreshTokensIssued += 1;
    }
    if (grant.scopes.length > 0) body.scope = grant.scopes.join(' ');
    return json(body, 200);
  }

  function resolveScopes(requested: string[] | undefined, allowed: readonly string[] | undefined) {
    if (requested === undefined) return allowed ?? [];
    if (allowed && requested.some((scope) => !allowed.includes(scope))) return undefined;
    return requested;
  }

  function clientCredentials(client: MockClient, form: URLSearchParams): Response {
    if (client.clientSecret === undefined) {
      return error('unauthorized_client', 'public clients cannot use client_credentials');
    }
    const scopes = resolveScopes(parseScopes(form.get('scope')), client.scopes);
    if (!scopes) return error('invalid_scope', 'requested scope is not allowed for this client');
    const audience = form.get('audience') ?? form.get('resource') ?? undefined;
    const grant: Grant = { clientId: client.clientId, scopes, audience };
    if (!options.issueRefreshTokens) return issue(grant, undefined, false);
    return issue(grant, registry.newFamily(), true);
  }

  function refreshToken(client: MockClient, form: URLSearchParams): Response {
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
    const grant: Grant = { clientId: client.clientId, scopes, audience: record.audience };
    if (options.rotateRefreshTokens) registry.rotate(presented, now);
    return issue(grant, record.familyId, options.rotateRefreshTokens);
  }

  return async function handleTokenRequest(request: Request): Promise<Response> {
    stats.tokenRequests += 1;
    const form = await readForm(request);
    const grantType = form?.get('grant_type') ?? null;
    const known = grantType === 'client_credentials' || grantType === 'refresh_token';
    stats.tokenRequestsByGrant[known ? grantType : 'other'] += 1;
    await wait(ctx.latencyMs());
    const failure = ctx.failures.take();
    if (failure) {
      await wait(failure.delayMs ?? 0);
      stats.tokenErrors.injected += 1;
      return failureResponse(failure);
    }
    if (!form) return error('invalid_request', 'the body must be application/x-www-form-urlencoded');
    if (hasDuplicates(form)) return error('invalid_request', 'a parameter was sent more than once');
    const auth = authenticateClient(request, form, options);
    if (!auth.ok) {
      return error(
        auth.error,
        auth.description,
        auth.basic ? { 'WWW-Authenticate': 'Basic realm="mock"' } : {},
      );
    }
    if (grantType === null) return error('invalid_request', 'grant_type is missing');
    if (!known) return error('unsupported_grant_type', 'grant_type is not supported');
    const allowed: readonly MockGrantType[] = auth.client.grants ?? ['client_credentials', 'refresh_token'];
    if (!allowed.includes(grantType)) return error('unauthorized_client', `client may not use ${grantType}`);
    return grantType === 'client_credentials'
      ? clientCredentials(auth.client, form)
      : refreshToken(auth.client, form);
  };
}
