/**
 * Client authentication at the token endpoint: RFC 6749 §2.3.1 secrets (Basic or body),
 * RFC 7523 JWT assertions (`client_secret_jwt` HS256, `private_key_jwt` RS256/ES256/EdDSA) and
 * `none` for public clients.
 */
import { type AssertionSigner, assertionSigner } from './assertion.js';
import { importHmacKey, importSigningKey, isSigningKeyInput, type SigningKeyInput } from './jwt.js';

/**
 * How the client authenticates at the token endpoint.
 * - `client_secret_basic` / `client_secret_post`: the secret in HTTP Basic or in the body;
 * - `client_secret_jwt`: an HS256 assertion signed with the secret (RFC 7523 §2.2);
 * - `private_key_jwt`: an assertion signed with `privateKey` (RS256, ES256 or EdDSA);
 * - `none`: a public client (`client_id` in the body only).
 *
 * @example
 * ```ts
 * clientCredentials({ issuer, clientId, privateKey, authMethod: 'private_key_jwt' });
 * ```
 */
export type ClientAuthMethod =
  | 'client_secret_basic'
  | 'client_secret_post'
  | 'client_secret_jwt'
  | 'private_key_jwt'
  | 'none';

const METHODS: readonly ClientAuthMethod[] = [
  'client_secret_basic',
  'client_secret_post',
  'client_secret_jwt',
  'private_key_jwt',
  'none',
];

/** Client authentication options, as the sources take them. */
export interface ClientAuthOptions {
  clientId: string;
  clientSecret: string | undefined;
  authMethod: unknown;
  privateKey: unknown;
  keyId: unknown;
  assertionAudience: unknown;
}

/** What a request needs to know to authenticate. */
export interface AuthTarget {
  /** The absolute token endpoint (the default assertion `aud`). */
  tokenUrl: string;
  /** `token_endpoint_auth_methods_supported` from discovery, if known. */
  supported: readonly string[] | undefined;
}

/** Resolved client authentication: adds its credentials to one request. */
export interface ClientAuth {
  /** The configured method, or `undefined` to pick a secret method from the metadata. */
  readonly method: ClientAuthMethod | undefined;
  /** Add credentials to `headers`/`body`; returns the assertion sent, if any (for redaction). */
  apply(headers: Headers, body: URLSearchParams, target: AuthTarget): Promise<string | undefined>;
}

/** `application/x-www-form-urlencoded` encoding of a Basic credential part (RFC 6749 §2.3.1). */
function formEncode(value: string): string {
  return new URLSearchParams({ v: value }).toString().slice(2);
}

function basicCredentials(id: string, secret: string): string {
  const bytes = new TextEncoder().encode(`${formEncode(id)}:${formEncode(secret)}`);
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return `Basic ${btoa(binary)}`;
}

function fail(source: string, option: string, expected: string): never {
  throw new TypeError(`${source}: option "${option}" must be ${expected}`);
}

/**
 * Validate the client authentication options (TypeError naming the option). Without
 * `authMethod`: `privateKey` means `private_key_jwt`, a secret means `client_secret_basic` (or
 * `client_secret_post` when discovery says only that is supported), neither means `none`.
 */
export function resolveClientAuth(
  source: string,
  o: ClientAuthOptions,
  credentialRequired: boolean,
): ClientAuth {
  const { clientId, clientSecret } = o;
  if (o.authMethod !== undefined && !METHODS.includes(o.authMethod as ClientAuthMethod)) {
    fail(source, 'authMethod', METHODS.map((m) => `'${m}'`).join(', '));
  }
  if (o.privateKey !== undefined && !isSigningKeyInput(o.privateKey)) {
    fail(
      source,
      'privateKey',
      'a private CryptoKey, a private JWK (RSA, EC P-256, Ed25519) or a PKCS#8 PEM string',
    );
  }
  if (o.keyId !== undefined && (typeof o.keyId !== 'string' || o.keyId === ''))
    fail(source, 'keyId', 'a non-empty string');
  if (
    o.assertionAudience !== undefined &&
    (typeof o.assertionAudience !== 'string' || o.assertionAudience === '')
  ) {
    fail(source, 'assertionAudience', 'a non-empty string');
  }
  const privateKey = o.privateKey as SigningKeyInput | undefined;
  const method =
    (o.authMethod as ClientAuthMethod | undefined) ??
    (privateKey !== undefined ? 'private_key_jwt' : undefined);
  if (method === 'private_key_jwt' && privateKey === undefined)
    fail(source, 'privateKey', "set for authMethod 'private_key_jwt'");
  if (method?.startsWith('client_secret') && clientSecret === undefined) {
    fail(source, 'clientSecret', `a non-empty string for authMethod '${method}'`);
  }
  if (method === 'none' && clientSecret !== undefined)
    fail(source, 'clientSecret', "unset for authMethod 'none'");
  if (credentialRequired && clientSecret === undefined && privateKey === undefined) {
    fail(source, 'clientSecret', 'a non-empty string (or pass "privateKey")');
  }

  let signer: AssertionSigner | undefined;
  const sign = (jwtMethod: 'client_secret_jwt' | 'private_key_jwt'): AssertionSigner => {
    signer ??= assertionSigner(
      source,
      'client key',
      'invalid_client_key',
      () =>
        jwtMethod === 'client_secret_jwt' ? importHmacKey(clientSecret!) : importSigningKey(privateKey!),
      [clientSecret],
    );
    return signer;
  };

  return {
    method,
    async apply(headers, body, target) {
      const chosen =
        method ??
        (clientSecret === undefined
          ? 'none'
          : target.supported &&
              !target.supported.includes('client_secret_basic') &&
              target.supported.includes('client_secret_post')
            ? 'client_secret_post'
            : 'client_secret_basic');
      if (chosen === 'client_secret_basic') {
        headers.set('Authorization', basicCredentials(clientId, clientSecret!));
        return undefined;
      }
      body.set('client_id', clientId);
      if (chosen === 'client_secret_post') body.set('client_secret', clientSecret!);
      if (chosen !== 'client_secret_jwt' && chosen !== 'private_key_jwt') return undefined;
      const assertion = await sign(chosen)(
        { iss: clientId, sub: clientId, aud: (o.assertionAudience as string | undefined) ?? target.tokenUrl },
        typeof o.keyId === 'string' ? { kid: o.keyId } : {},
      );
      body.set('client_assertion_type', 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer');
      body.set('client_assertion', assertion);
      return assertion;
    },
  };
}
