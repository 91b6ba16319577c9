/**
 * Discovery: RFC 8414 authorization-server metadata and OpenID Connect Discovery 1.0 (the same
 * document at both well-known paths), and the JWKS endpoint with the server's public key.
 */
import { type EndpointPaths, issuerOf, type ServerContext } from './context.js';

/** The metadata document for `request`'s origin. */
export function metadata(
  ctx: ServerContext,
  paths: EndpointPaths,
  request: Request,
): Record<string, unknown> {
  const { options } = ctx;
  const issuer = issuerOf(options, request);
  const origin = new URL(request.url).origin;
  const methods = [...options.clientAuthMethods];
  return {
    issuer,
    authorization_endpoint: origin + paths.authorize,
    token_endpoint: origin + paths.token,
    jwks_uri: origin + paths.jwks,
    revocation_endpoint: origin + paths.revoke,
    introspection_endpoint: origin + paths.introspect,
    grant_types_supported: ['authorization_code', 'client_credentials', 'refresh_token'],
    response_types_supported: ['code'],
    response_modes_supported: ['query'],
    code_challenge_methods_supported: ['S256'],
    token_endpoint_auth_methods_supported: methods,
    token_endpoint_auth_signing_alg_values_supported: ['HS256', 'ES256', 'RS256'],
    revocation_endpoint_auth_methods_supported: methods,
    introspection_endpoint_auth_methods_supported: methods,
    scopes_supported: ['openid', 'offline_access'],
    subject_types_supported: ['public'],
    id_token_signing_alg_values_supported: [options.signingAlg],
    authorization_response_iss_parameter_supported: true,
  };
}

/** A cacheable JSON document (metadata and keys are public). */
export function publicJson(body: unknown): Response {
  return new Response(JSON.stringify(body), {
    status: 200,
    headers: { 'Content-Type': 'application/json; charset=utf-8' },
  });
}

/** `GET` one of the well-known documents. */
export function handleMetadata(ctx: ServerContext, paths: EndpointPaths, request: Request): Response {
  return publicJson(metadata(ctx, paths, request));
}

/** `GET /jwks`: the public signing key (RFC 7517 JWK Set). */
export async function handleJwks(ctx: ServerContext): Promise<Response> {
  const body = await ctx.key.jwks();
  return new Response(JSON.stringify(body), {
    status: 200,
    headers: { 'Content-Type': 'application/jwk-set+json; charset=utf-8' },
  });
}
