/**
 * The JWT bearer grant (RFC 7523 §2.1) as a `fetchToken` function: service accounts that prove
 * who they act for with a signed JWT instead of a secret or a user's login.
 */
import { assertionSigner } from './assertion.js';
import { type CredentialInput, credentialInput } from './credentialInput.js';
import { importSigningKey, isSigningKeyInput, type SigningKeyInput } from './jwt.js';
import {
  invalid,
  optionalString,
  resolveEndpoint,
  type TokenEndpointOptions,
  type TokenSource,
} from './options.js';
import { requestToken } from './request.js';

/** The RFC 7523 §2.1 `grant_type`. */
export const JWT_BEARER_GRANT = 'urn:ietf:params:oauth:grant-type:jwt-bearer';

/**
 * Options of {@link jwtBearerGrant}: give `assertion` (made elsewhere), or `assertionKey` and
 * the source signs one per request.
 *
 * @example
 * ```ts
 * const options: JwtBearerGrantOptions = {
 *   tokenUrl: 'https://auth.example.com/oauth/token',
 *   clientId: 'reports-service',
 *   assertionKey: process.env.SERVICE_ACCOUNT_KEY_PEM!,
 *   assertionSubject: 'user-42',
 * };
 * ```
 */
export interface JwtBearerGrantOptions extends TokenEndpointOptions {
  /**
   * The `client_secret`, if the server also wants the client to authenticate.
   * @default undefined
   */
  clientSecret?: string | undefined;
  /**
   * A ready assertion (a JWT from an identity provider, a workload identity, ...) or a function
   * returning a fresh one per request. Give this or `assertionKey`.
   * @default undefined
   */
  assertion?: CredentialInput | undefined;
  /**
   * The key to sign the assertion with (RS256, ES256 or EdDSA): a `CryptoKey`, a private JWK or
   * a PKCS#8 PEM. Each request signs a new assertion with `iss`, `sub`, `aud`, a fresh `jti`,
   * `iat` and a 60 s `exp`. Never appears in an error.
   * @default undefined
   */
  assertionKey?: SigningKeyInput | undefined;
  /**
   * `kid` header of the signed assertion.
   * @default undefined
   */
  assertionKeyId?: string | undefined;
  /**
   * `iss` of the signed assertion (e.g. a service account's id).
   * @default clientId
   */
  assertionIssuer?: string | undefined;
  /**
   * `sub` of the signed assertion: the principal the token is for (a user to act for, or the
   * service itself).
   * @default clientId
   */
  assertionSubject?: string | undefined;
  /**
   * Extra claims of the signed assertion (e.g. Google's `scope`). `iss`, `sub`, `aud`, `jti`,
   * `iat` and `exp` are always the source's.
   * @default {}
   */
  assertionClaims?: Readonly<Record<string, unknown>> | undefined;
  /**
   * Extra form parameters of the token request, e.g. Entra ID's on-behalf-of flow
   * (`{ requested_token_use: 'on_behalf_of' }`). `grant_type` and `assertion` are the source's.
   * @default {}
   */
  parameters?: Readonly<Record<string, string>> | undefined;
}

/**
 * A `fetchToken` that obtains tokens with the JWT bearer grant (RFC 7523 §2.1). The assertion's
 * `aud` is `assertionAudience` (shared with client assertions), else the token endpoint URL.
 * Client authentication is as for the other sources (`none` sends just `client_id`). Errors as
 * for {@link clientCredentials}; `invalid_grant` (assertion refused) is final.
 *
 * @example
 * ```ts
 * import { createTokenVault } from '@tokvault/core';
 * import { jwtBearerGrant } from '@tokvault/core/oauth2';
 *
 * const vault = createTokenVault({
 *   fetchToken: jwtBearerGrant({ issuer, clientId: 'svc', assertionKey: pem, assertionSubject: 'user-42' }),
 * });
 * ```
 */
export function jwtBearerGrant(options: JwtBearerGrantOptions): TokenSource {
  const source = 'jwtBearerGrant';
  const endpoint = resolveEndpoint(source, options, false, {
    assertion: true,
    assertionKey: true,
    assertionKeyId: true,
    assertionIssuer: true,
    assertionSubject: true,
    assertionClaims: true,
    parameters: true,
  });
  const given = credentialInput(source, 'assertion', options.assertion);
  const key = options.assertionKey;
  if ((given === undefined) === (key === undefined))
    invalid(source, 'assertion', 'set, or "assertionKey" instead; not both');
  if (key !== undefined && !isSigningKeyInput(key)) {
    invalid(
      source,
      'assertionKey',
      'a private CryptoKey, a private JWK (RSA, EC P-256, Ed25519) or a PKCS#8 PEM string',
    );
  }
  const kid = optionalString(source, 'assertionKeyId', options.assertionKeyId);
  const iss = optionalString(source, 'assertionIssuer', options.assertionIssuer) ?? endpoint.clientId;
  const sub = optionalString(source, 'assertionSubject', options.assertionSubject) ?? endpoint.clientId;
  const extra = options.assertionClaims ?? {};
  if (typeof extra !== 'object' || extra === null || Array.isArray(extra))
    invalid(source, 'assertionClaims', 'an object');
  const parameters = options.parameters ?? {};
  if (
    typeof parameters !== 'object' ||
    parameters === null ||
    Object.values(parameters).some((v) => typeof v !== 'string')
  )
    invalid(source, 'parameters', 'an object of string values');
  const aud = options.assertionAudience as string | undefined;
  const sign = assertionSigner(source, 'assertion key', 'invalid_assertion_key', () =>
    importSigningKey(key as SigningKeyInput),
  );

  return async (context) => {
    const { signal } = context;
    let assertion: string;
    if (given) assertion = await given(context);
    else {
      const { tokenUrl } = await endpoint.target(signal);
      const audience = aud ?? new URL(tokenUrl, globalThis.location?.href).href;
      assertion = await sign({ ...extra, iss, sub, aud: audience }, kid === undefined ? {} : { kid });
    }
    const params = { ...parameters, grant_type: JWT_BEARER_GRANT, assertion };
    return requestToken(endpoint, params, signal, [endpoint.clientSecret, assertion], context.dpop);
  };
}
