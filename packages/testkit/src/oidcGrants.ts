/**
 * The JWT bearer grant (RFC 7523 §2.1) and token exchange (RFC 8693) for oidc-provider, which
 * has neither built in but accepts custom grants (`provider.registerGrantType`). Tokens are
 * oidc-provider's own opaque access tokens, so introspection and expiry are the real server's.
 */
import { createPublicKey, type JsonWebKey as NodeJwk, verify } from 'node:crypto';
import type Provider from 'oidc-provider';
import { errors, type KoaContextWithOIDC } from 'oidc-provider';

/** RFC 7523 §2.1 grant type. */
export const JWT_BEARER_GRANT = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
/** RFC 8693 grant type. */
export const TOKEN_EXCHANGE_GRANT = 'urn:ietf:params:oauth:grant-type:token-exchange';
const ACCESS_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:access_token';

function part(text: string | undefined): Record<string, unknown> {
  try {
    return JSON.parse(Buffer.from(text ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
  } catch {
    throw new errors.InvalidGrant('assertion is not a JWT');
  }
}

/** Verify a compact JWS with one of the client's registered public JWKs (RS256, ES256, EdDSA). */
function verifiedClaims(assertion: string, jwks: readonly NodeJwk[]): Record<string, unknown> {
  const [h, p, s] = assertion.split('.');
  const header = part(h);
  const data = Buffer.from(`${h}.${p}`);
  const signature = Buffer.from(s ?? '', 'base64url');
  const ok = jwks.some((jwk) => {
    try {
      const key = createPublicKey({ key: jwk, format: 'jwk' });
      if (header.alg === 'RS256' && jwk.kty === 'RSA') return verify('sha256', data, key, signature);
      if (header.alg === 'ES256' && jwk.kty === 'EC')
        return verify('sha256', data, { key, dsaEncoding: 'ieee-p1363' }, signature);
      if ((header.alg === 'EdDSA' || header.alg === 'Ed25519') && jwk.kty === 'OKP')
        return verify(null, data, key, signature);
    } catch {
      // not this key
    }
    return false;
  });
  if (!ok) throw new errors.InvalidGrant('assertion signature is invalid');
  return part(p);
}

async function issue(ctx: KoaContextWithOIDC, accountId: string, extra: Record<string, unknown> = {}) {
  const { provider, client, params } = ctx.oidc;
  // A grant of its own, as oidc-provider's built-in grants have (introspection checks it).
  const grant = new provider.Grant({ accountId, clientId: client!.clientId });
  const grantId = await grant.save();
  const token = new provider.AccessToken({
    accountId,
    grantId,
    client: client!,
    gty: 'custom',
    scope: typeof params?.scope === 'string' ? params.scope : undefined,
  });
  const audience = params?.audience;
  if (typeof audience === 'string') token.aud = audience;
  ctx.body = {
    access_token: await token.save(),
    token_type: 'Bearer',
    expires_in: token.expiration,
    ...(token.scope ? { scope: token.scope } : {}),
    ...extra,
  };
}

/** Register the enabled grants on `provider`; clients opt in by listing them in `grant_types`. */
export function registerExtensionGrants(
  provider: Provider,
  enabled: { jwtBearer: boolean; tokenExchange: boolean },
): void {
  const used = new Set<string>();
  if (enabled.jwtBearer) jwtBearer(provider, used);
  if (enabled.tokenExchange) tokenExchange(provider);
}

function jwtBearer(provider: Provider, used: Set<string>): void {
  provider.registerGrantType(
    JWT_BEARER_GRANT,
    async (ctx: KoaContextWithOIDC) => {
      const assertion = ctx.oidc.params?.assertion;
      if (typeof assertion !== 'string') throw new errors.InvalidRequest('assertion is missing');
      const jwks = (ctx.oidc.client?.jwks?.keys ?? []) as NodeJwk[];
      const claims = verifiedClaims(assertion, jwks);
      const { iss, sub, aud, exp, jti } = claims;
      const audiences = Array.isArray(aud) ? aud : [aud];
      const accepted = [provider.issuer, `${provider.issuer}/token`];
      if (!audiences.some((a) => accepted.includes(a as string))) throw new errors.InvalidGrant('bad aud');
      if (typeof exp !== 'number' || exp * 1000 <= Date.now())
        throw new errors.InvalidGrant('assertion expired');
      if (typeof iss !== 'string' || typeof sub !== 'string')
        throw new errors.InvalidGrant('iss and sub required');
      if (typeof jti !== 'string' || used.has(`${iss} ${jti}`))
        throw new errors.InvalidGrant('jti missing or reused');
      used.add(`${iss} ${jti}`);
      await issue(ctx, sub);
    },
    ['assertion', 'scope'],
  );
}

function tokenExchange(provider: Provider): void {
  provider.registerGrantType(
    TOKEN_EXCHANGE_GRANT,
    async (ctx: KoaContextWithOIDC) => {
      const params = (ctx.oidc.params ?? {}) as Record<string, unknown>;
      const presented = async (name: 'subject' | 'actor') => {
        if (params[`${name}_token_type`] !== ACCESS_TOKEN_TYPE)
          throw new errors.InvalidRequest(`${name}_token_type must be ${ACCESS_TOKEN_TYPE}`);
        const value = String(params[`${name}_token`]);
        const token =
          (await provider.AccessToken.find(value)) ?? (await provider.ClientCredentials.find(value));
        if (!token?.isValid) throw new errors.InvalidRequest(`${name}_token is invalid`);
        return (token as { accountId?: string }).accountId ?? String(token.clientId);
      };
      if (typeof params.subject_token !== 'string')
        throw new errors.InvalidRequest('subject_token is missing');
      const subject = await presented('subject');
      if (params.actor_token !== undefined) await presented('actor');
      await issue(ctx, subject, { issued_token_type: ACCESS_TOKEN_TYPE });
    },
    [
      'subject_token',
      'subject_token_type',
      'actor_token',
      'actor_token_type',
      'requested_token_type',
      'audience',
      'scope',
    ],
  );
}
