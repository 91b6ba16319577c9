/**
 * One real oidc-provider per test file (loopback, free port), with a client per auth method.
 */

import { afterAll, beforeAll } from 'vitest';
import { type RunningOidcProvider, startOidcProvider } from '../../testkit/src/index.js';

export const OP_SECRET = 'oidc-provider-client-secret-0123456789abcdef';
export const REDIRECT_URI = 'http://127.0.0.1:1/callback';
export const API = 'https://api.example.test';

/** Key pairs of the `private_key_jwt` clients (generated per run with WebCrypto). */
export interface ClientKeys {
  rsa: CryptoKeyPair;
  ec: CryptoKeyPair;
  ed: CryptoKeyPair;
}

async function generateKeys(): Promise<ClientKeys> {
  const { subtle } = globalThis.crypto;
  const rsa = (await subtle.generateKey(
    {
      name: 'RSASSA-PKCS1-v1_5',
      modulusLength: 2048,
      publicExponent: new Uint8Array([1, 0, 1]),
      hash: 'SHA-256',
    },
    true,
    ['sign', 'verify'],
  )) as CryptoKeyPair;
  const ec = (await subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, [
    'sign',
    'verify',
  ])) as CryptoKeyPair;
  const ed = (await subtle.generateKey({ name: 'Ed25519' }, true, ['sign', 'verify'])) as CryptoKeyPair;
  return { rsa, ec, ed };
}

/** The public JWK as a client registers it (no `alg`: the server takes any alg the key fits). */
async function publicJwk(pair: CryptoKeyPair, kid: string): Promise<JsonWebKey & { kid: string }> {
  const {
    alg: _alg,
    key_ops: _ops,
    ext: _ext,
    ...jwk
  } = await globalThis.crypto.subtle.exportKey('jwk', pair.publicKey);
  return { ...jwk, kid };
}

const machine = (client_id: string, extra: Record<string, unknown>) => ({
  client_id,
  grant_types: ['client_credentials'],
  redirect_uris: [],
  response_types: [],
  ...extra,
});

/** Start the provider for this file; read `op` and `keys` inside tests. */
export function useOidcProvider(options: { accessTokenTtl?: number } = {}): {
  readonly op: RunningOidcProvider;
  readonly keys: ClientKeys;
} {
  let op: RunningOidcProvider | undefined;
  let keys: ClientKeys | undefined;
  beforeAll(async () => {
    keys = await generateKeys();
    const jwks = (pair: CryptoKeyPair, kid: string) => publicJwk(pair, kid).then((key) => ({ keys: [key] }));
    op = await startOidcProvider({
      ...options,
      clients: [
        machine('basic', { client_secret: OP_SECRET, token_endpoint_auth_method: 'client_secret_basic' }),
        machine('post', { client_secret: OP_SECRET, token_endpoint_auth_method: 'client_secret_post' }),
        machine('hs256', { client_secret: OP_SECRET, token_endpoint_auth_method: 'client_secret_jwt' }),
        machine('rs256', { token_endpoint_auth_method: 'private_key_jwt', jwks: await jwks(keys.rsa, 'k1') }),
        machine('es256', { token_endpoint_auth_method: 'private_key_jwt', jwks: await jwks(keys.ec, 'k2') }),
        machine('eddsa', { token_endpoint_auth_method: 'private_key_jwt', jwks: await jwks(keys.ed, 'k3') }),
        machine('bearer', {
          client_secret: OP_SECRET,
          grant_types: ['urn:ietf:params:oauth:grant-type:jwt-bearer'],
          jwks: await jwks(keys.ec, 'grant-key'),
        }),
        machine('exchanger', {
          client_secret: OP_SECRET,
          grant_types: ['urn:ietf:params:oauth:grant-type:token-exchange'],
        }),
        {
          client_id: 'web',
          client_secret: OP_SECRET,
          grant_types: ['authorization_code', 'refresh_token'],
          redirect_uris: [REDIRECT_URI],
          response_types: ['code'],
        },
        {
          client_id: 'public',
          token_endpoint_auth_method: 'none',
          grant_types: ['authorization_code', 'refresh_token'],
          redirect_uris: [REDIRECT_URI],
          response_types: ['code'],
        },
      ],
      resources: [{ indicator: API }, { indicator: 'https://reports.example.test' }],
    });
  });
  afterAll(() => op?.close());
  return {
    get op() {
      return op!;
    },
    get keys() {
      return keys!;
    },
  };
}

/** PKCS#8 PEM of a private key. */
export async function pemOf(key: CryptoKey): Promise<string> {
  const der = Buffer.from(await globalThis.crypto.subtle.exportKey('pkcs8', key)).toString('base64');
  return `-----BEGIN PRIVATE KEY-----\n${der.match(/.{1,64}/g)!.join('\n')}\n-----END PRIVATE KEY-----\n`;
}
