/**
 * Token revocation (RFC 7009) and introspection (RFC 7662), both for authenticated clients only.
 * Revoking an unknown or foreign token still answers 200, as §2.2 requires.
 */
import { authenticateClient } from './clientAuth.js';
import { issuerOf, json, type ServerContext } from './context.js';
import { basicRealm, readForm, tokenError } from './tokenEndpoint.js';

async function authenticated(
  ctx: ServerContext,
  request: Request,
): Promise<{ response: Response } | { clientId: string; token: string }> {
  const form = await readForm(request);
  if (!form) {
    return {
      response: tokenError(ctx, 'invalid_request', 'the body must be application/x-www-form-urlencoded'),
    };
  }
  const auth = await authenticateClient(ctx, request, form);
  if (!auth.ok) {
    const realm = basicRealm(ctx, request, auth.basic);
    return { response: tokenError(ctx, auth.error, auth.description, realm) };
  }
  const token = form.get('token');
  if (token === null || token === '')
    return { response: tokenError(ctx, 'invalid_request', 'token is missing') };
  return { clientId: auth.client.clientId, token };
}

/**
 * `POST /revoke`: revoke the client's own token (a refresh token takes its family along). As
 * oidc-provider: an empty `200 text/plain`, and no caching headers (nothing secret is sent back).
 */
export async function handleRevoke(ctx: ServerContext, request: Request): Promise<Response> {
  const checked = await authenticated(ctx, request);
  if ('response' in checked) {
    checked.response.headers.delete('Cache-Control');
    checked.response.headers.delete('Pragma');
    return checked.response;
  }
  if (ctx.registry.info(checked.token, ctx.options.now())?.clientId === checked.clientId) {
    ctx.registry.revoke(checked.token);
  }
  return new Response('', { status: 200, headers: { 'Content-Type': 'text/plain; charset=utf-8' } });
}

/** `POST /introspect`: `{ active: false }` unless the token is active (then its claims). */
export async function handleIntrospect(ctx: ServerContext, request: Request): Promise<Response> {
  const checked = await authenticated(ctx, request);
  if ('response' in checked) return checked.response;
  const info = ctx.registry.info(checked.token, ctx.options.now());
  if (info?.status !== 'active') return json({ active: false }, 200);
  const body: Record<string, unknown> = {
    active: true,
    client_id: info.clientId,
    token_type: info.kind === 'access' ? ctx.options.tokenType : 'refresh_token',
    iss: issuerOf(ctx.options, request),
    sub: info.sub ?? info.clientId,
    iat: Math.floor(info.issuedAt / 1000),
  };
  if (info.scopes.length > 0) body.scope = info.scopes.join(' ');
  if (info.audience !== undefined) body.aud = info.audience;
  if (info.expiresAt !== undefined) body.exp = Math.floor(info.expiresAt / 1000);
  return json(body, 200);
}
