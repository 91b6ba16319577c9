/**
 * The state one mock server's endpoints share, the endpoint paths (derived from `tokenUrl`),
 * and the JSON response shape of the OAuth endpoints.
 */
import type { MockDpop } from './dpop.js';
import type { FailureQueue } from './failures.js';
import type { SigningKey } from './jwt.js';
import type { ResolvedOptions } from './options.js';
import type { Registry } from './registry.js';
import type { MutableStats } from './stats.js';

/** A pending authorization code (see `authorizationCode.ts`). */
export interface CodeRecord {
  clientId: string;
  sub: string;
  scopes: readonly string[];
  redirectUri: string | undefined;
  codeChallenge: string | undefined;
  nonce: string | undefined;
  audience: string | undefined;
  expiresAt: number;
  /** Access and refresh tokens issued for it (revoked if the code is replayed). */
  familyId: number | undefined;
  used: boolean;
}

/** Everything the endpoints of one server share. */
export interface ServerContext {
  options: ResolvedOptions;
  registry: Registry;
  stats: MutableStats;
  failures: FailureQueue;
  latencyMs: () => number;
  key: SigningKey;
  codes: Map<string, CodeRecord>;
  /** `jti`s of accepted client assertions (replay detection), with their `exp` (ms). */
  assertionIds: Map<string, number>;
  /** DPoP checks (the `dpop` option), if enabled. */
  dpop?: MockDpop | undefined;
}

/** The paths of a server's endpoints. */
export interface EndpointPaths {
  token: string;
  authorize: string;
  jwks: string;
  revoke: string;
  introspect: string;
  oauthMetadata: string;
  openidMetadata: string;
}

/** Endpoint paths: siblings of the token endpoint's path; discovery at the origin's root. */
export function endpointPaths(tokenPath: string): EndpointPaths {
  const base = tokenPath.replace(/[^/]*$/, '');
  return {
    token: tokenPath,
    authorize: `${base}authorize`,
    jwks: `${base}jwks`,
    revoke: `${base}revoke`,
    introspect: `${base}introspect`,
    oauthMetadata: '/.well-known/oauth-authorization-server',
    openidMetadata: '/.well-known/openid-configuration',
  };
}

/** The issuer as seen by `request` (the `issuer` option, else the request's origin). */
export function issuerOf(options: ResolvedOptions, request: Request | undefined): string | undefined {
  if (options.issuer !== undefined) return options.issuer;
  if (request) return new URL(request.url).origin;
  return URL.canParse(options.tokenUrl) ? new URL(options.tokenUrl).origin : undefined;
}

/** JSON with the token endpoint's headers (RFC 6749 §5.1: no caching). */
export function json(body: unknown, status: number, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: {
      'Content-Type': 'application/json; charset=utf-8',
      'Cache-Control': 'no-store',
      Pragma: 'no-cache',
      ...headers,
    },
  });
}
