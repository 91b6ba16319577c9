/**
 * RFC 7523 JWT assertions: `client_secret_jwt` and `private_key_jwt` client authentication
 * (§2.2, §3) and the JWT bearer grant's `assertion` (§2.1). Either is a JWT signed with the
 * client's secret (HS256) or a registered key, for this server, unexpired, and never seen before.
 */
import { issuerOf, type ServerContext } from './context.js';
import { type DecodedJwt, decodeJwt, verifySignature } from './jwt.js';
import type { MockClient } from './options.js';

/** The `client_assertion_type` of RFC 7523. */
export const JWT_BEARER = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

/**
 * The client, or why the assertion failed (never containing the assertion). `malformed`: it is
 * not a JWT at all, which oidc-provider answers with `invalid_request` rather than `invalid_client`.
 */
export type AssertionResult =
  | { ok: true; client: MockClient }
  | { ok: false; description: string; malformed?: true };

/** Signature (by `client`'s secret or keys), `aud`, `exp` and a fresh `jti`; `undefined` if all hold. */
async function checkAssertion(
  ctx: ServerContext,
  request: Request,
  jwt: DecodedJwt,
  client: MockClient,
  name: string,
): Promise<string | undefined> {
  const { aud, exp, jti, iss } = jwt.claims;
  const hmac = jwt.header.alg === 'HS256';
  const keys: (JsonWebKey | string)[] = hmac
    ? client.clientSecret === undefined
      ? []
      : [client.clientSecret]
    : [...(client.jwks ?? [])];
  let verified = false;
  for (const key of keys) if (!verified) verified = await verifySignature(jwt, key);
  if (!verified) return `${name} signature is invalid`;
  const audiences = Array.isArray(aud) ? aud : [aud];
  const url = new URL(request.url);
  const accepted = [issuerOf(ctx.options, request), url.origin + url.pathname];
  if (!audiences.some((a) => typeof a === 'string' && accepted.includes(a))) {
    return `${name} aud must be the issuer or this endpoint`;
  }
  const now = ctx.options.now();
  if (typeof exp !== 'number' || exp * 1000 <= now) return `${name} is expired or has no exp`;
  if (typeof jti !== 'string' || jti === '') return `${name} has no jti`;
  for (const [id, expiresAt] of ctx.assertionIds) if (expiresAt <= now) ctx.assertionIds.delete(id);
  const key = `${name} ${String(iss)} ${jti}`;
  if (ctx.assertionIds.has(key)) return `${name} jti was already used`;
  ctx.assertionIds.set(key, exp * 1000);
  return undefined;
}

/** Verify a client assertion presented at `request`'s endpoint. */
export async function verifyClientAssertion(
  ctx: ServerContext,
  request: Request,
  assertion: string,
  bodyClientId: string | null,
): Promise<AssertionResult> {
  const fail = (description: string): AssertionResult => ({ ok: false, description });
  const jwt = decodeJwt(assertion);
  if (!jwt) return { ok: false, description: 'client_assertion is not a JWT', malformed: true };
  const { iss, sub } = jwt.claims;
  if (typeof sub !== 'string' || iss !== sub)
    return fail('client_assertion iss and sub must be the client_id');
  if (bodyClientId !== null && bodyClientId !== sub) return fail('client_id does not match the assertion');
  const client = ctx.options.clients.get(sub);
  if (!client) return fail('client authentication failed');
  const method = jwt.header.alg === 'HS256' ? 'client_secret_jwt' : 'private_key_jwt';
  if (!ctx.options.clientAuthMethods.has(method)) return fail(`${method} is not allowed`);
  const problem = await checkAssertion(ctx, request, jwt, client, 'client_assertion');
  return problem === undefined ? { ok: true, client } : fail(problem);
}

/**
 * Verify the `assertion` of a JWT bearer grant by the authenticated `client`: signed with its
 * keys (or secret), with string `iss` and `sub`; the token is issued for `sub`.
 */
export async function verifyGrantAssertion(
  ctx: ServerContext,
  request: Request,
  assertion: string,
  client: MockClient,
): Promise<{ ok: true; sub: string } | { ok: false; description: string }> {
  const jwt = decodeJwt(assertion);
  if (!jwt) return { ok: false, description: 'assertion is not a JWT' };
  const { iss, sub } = jwt.claims;
  if (typeof iss !== 'string' || iss === '' || typeof sub !== 'string' || sub === '') {
    return { ok: false, description: 'assertion must have iss and sub' };
  }
  const problem = await checkAssertion(ctx, request, jwt, client, 'assertion');
  return problem === undefined ? { ok: true, sub } : { ok: false, description: problem };
}
