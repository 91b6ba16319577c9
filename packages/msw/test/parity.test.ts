/**
 * Parity with a real authorization server: one table of token-endpoint, revocation,
 * introspection and discovery requests (good and bad) sent over HTTP to the mock (`listen()`) and
 * to oidc-provider (OpenID Certified), comparing what clients act on: the status, the `error`
 * code, the fields of a success body, and the headers `Cache-Control`, `Pragma`, `Content-Type`
 * and the scheme of `WWW-Authenticate`. Every difference the mock keeps on purpose is in
 * `KEPT` below and in the README's "Differences from a real server" table, with the reason.
 */

import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { claimsOf, type RunningOidcProvider, startOidcProvider } from '../../testkit/src/index.js';
import { createMockAuthServer, type MockAuthHttpServer, type MockClient } from '../src/index.js';

const SECRET = 'parity-client-secret-0123456789abcdef-0123456789';
const REDIRECT = 'http://127.0.0.1:1/callback';
const API = 'https://api.parity.test';
const JWT_BEARER = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
const EXCHANGE = 'urn:ietf:params:oauth:grant-type:token-exchange';
const ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
const ACCESS = 'urn:ietf:params:oauth:token-type:access_token';
const FORM = { 'Content-Type': 'application/x-www-form-urlencoded' };

type Grant =
  | 'client_credentials'
  | 'authorization_code'
  | 'refresh_token'
  | typeof JWT_BEARER
  | typeof EXCHANGE;
type AuthMethod =
  | 'client_secret_basic'
  | 'client_secret_post'
  | 'client_secret_jwt'
  | 'private_key_jwt'
  | 'none';

/** One client, registered the same way on both servers. */
interface ClientSpec {
  id: string;
  method: AuthMethod;
  grants: Grant[];
  key?: 'ec';
  scope?: string;
}

const CLIENT_SPECS: ClientSpec[] = [
  { id: 'basic', method: 'client_secret_basic', grants: ['client_credentials'] },
  { id: 'post', method: 'client_secret_post', grants: ['client_credentials'] },
  { id: 'hs256', method: 'client_secret_jwt', grants: ['client_credentials'] },
  { id: 'es256', method: 'private_key_jwt', grants: ['client_credentials'], key: 'ec' },
  { id: 'web', method: 'client_secret_basic', grants: ['authorization_code', 'refresh_token'] },
  { id: 'public', method: 'none', grants: ['authorization_code', 'refresh_token'] },
  { id: 'bearer', method: 'client_secret_basic', grants: [JWT_BEARER], key: 'ec' },
  { id: 'narrow', method: 'client_secret_basic', grants: ['client_credentials'], scope: 'api:read' },
  { id: 'exchanger', method: 'client_secret_basic', grants: [EXCHANGE] },
];

/** What a client acts on in a response. */
interface Observed {
  status: number;
  error: string | undefined;
  /** Fields of a JSON success body (sorted), or `active` of an introspection. */
  fields: string | undefined;
  contentType: string | null;
  cacheControl: string | null;
  pragma: string | null;
  /** `WWW-Authenticate` (the issuer written `<issuer>`), or `null`. */
  challenge: string | null;
  /** Claim names (sorted) of an `id_token`, if one was issued. */
  idToken: string | undefined;
}

/** A request to send. */
interface Sent {
  endpoint: 'token' | 'revocation' | 'introspection' | 'discovery' | 'jwks';
  method?: string;
  headers?: Record<string, string>;
  body?: string | URLSearchParams;
}

/** One server under test, with what a case needs to build its request. */
interface Target {
  name: 'mock' | 'oidc-provider';
  issuer: string;
  endpoints: Record<Sent['endpoint'], string>;
  /** The authorization endpoint. */
  authorizeUrl: string;
  /** Drive an authorization request over HTTP (auto-approved) to the redirect back to the client. */
  authorize(url: URL): Promise<URL>;
  /** An authorization code from a login over HTTP (auto-approved), with its PKCE verifier. */
  code(clientId: string, scope: string): Promise<{ code: string; verifier: string }>;
  /** Run a whole successful token request and return its JSON. */
  token(request: Sent): Promise<Record<string, string>>;
}

const basic = (id: string, secret = SECRET) =>
  `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`;

function post(params: Record<string, string>, headers: Record<string, string> = {}): Sent {
  return { endpoint: 'token', headers: { ...FORM, ...headers }, body: new URLSearchParams(params) };
}

let ecKey: CryptoKeyPair;
let hmacKey: Uint8Array;
let jti = 0;

/** A client assertion (RFC 7523) or a grant assertion for `t`. */
async function assertion(
  t: Target,
  claims: { iss: string; sub: string; aud?: string },
  alg: 'ES256' | 'HS256',
): Promise<string> {
  jti += 1;
  return new SignJWT({ jti: `parity-${jti}-${randomBytes(4).toString('hex')}` })
    .setProtectedHeader({ alg })
    .setIssuer(claims.iss)
    .setSubject(claims.sub)
    .setAudience(claims.aud ?? t.endpoints.token)
    .setIssuedAt()
    .setExpirationTime('1m')
    .sign(alg === 'ES256' ? ecKey.privateKey : hmacKey);
}

async function clientAssertion(t: Target, id: string, alg: 'ES256' | 'HS256', aud?: string) {
  return {
    client_assertion_type: ASSERTION_TYPE,
    client_assertion: await assertion(t, { iss: id, sub: id, ...(aud ? { aud } : {}) }, alg),
  };
}

/** A case: build the request for a target (fresh codes, tokens and assertions per target). */
type Case = [name: string, build: (t: Target) => Promise<Sent> | Sent];

const cc = { grant_type: 'client_credentials' };

async function refreshOf(t: Target, client = 'web'): Promise<string> {
  const { code, verifier } = await t.code(client, 'openid offline_access');
  const auth: Record<string, string> = client === 'public' ? {} : { Authorization: basic(client) };
  const params: Record<string, string> = {
    grant_type: 'authorization_code',
    code,
    code_verifier: verifier,
    redirect_uri: REDIRECT,
  };
  if (client === 'public') params.client_id = client;
  const tokens = await t.token(post(params, auth));
  return tokens.refresh_token!;
}

async function codeRequest(t: Target, scope: string, overrides: Record<string, string | null> = {}) {
  const { code, verifier } = await t.code('web', scope);
  const params: Record<string, string> = {
    grant_type: 'authorization_code',
    code,
    code_verifier: verifier,
    redirect_uri: REDIRECT,
  };
  for (const [key, value] of Object.entries(overrides)) {
    if (value === null) delete params[key];
    else params[key] = value;
  }
  return post(params, { Authorization: basic('web') });
}

const accessTokenOf = async (t: Target) =>
  (await t.token(post(cc, { Authorization: basic('basic') }))).access_token!;

const CASES: Case[] = [
  // client_credentials with every client authentication method
  ['client_credentials, client_secret_basic, no scope', () => post(cc, { Authorization: basic('basic') })],
  [
    'client_credentials, client_secret_basic, scope asked',
    () => post({ ...cc, scope: 'api:read' }, { Authorization: basic('basic') }),
  ],
  ['client_credentials, resource', () => post({ ...cc, resource: API }, { Authorization: basic('basic') })],
  [
    'client_credentials, resource and scope',
    () => post({ ...cc, resource: API, scope: 'api:read' }, { Authorization: basic('basic') }),
  ],
  [
    'client_credentials, relative resource',
    () => post({ ...cc, resource: 'api' }, { Authorization: basic('basic') }),
  ],
  [
    'client_credentials, unregistered resource',
    () => post({ ...cc, resource: 'https://unknown.parity.test' }, { Authorization: basic('basic') }),
  ],
  [
    'client_credentials, unknown scope',
    () => post({ ...cc, scope: 'admin' }, { Authorization: basic('basic') }),
  ],
  ['client_credentials, client with scopes, no scope', () => post(cc, { Authorization: basic('narrow') })],
  [
    'client_credentials, client with scopes, its scope',
    () => post({ ...cc, scope: 'api:read' }, { Authorization: basic('narrow') }),
  ],
  [
    'client_credentials, client with scopes, another scope',
    () => post({ ...cc, scope: 'api:write' }, { Authorization: basic('narrow') }),
  ],
  ['client_credentials, client_secret_post', () => post({ ...cc, client_id: 'post', client_secret: SECRET })],
  [
    'client_credentials, client_secret_jwt',
    async (t) => post({ ...cc, ...(await clientAssertion(t, 'hs256', 'HS256')) }),
  ],
  [
    'client_credentials, private_key_jwt',
    async (t) => post({ ...cc, ...(await clientAssertion(t, 'es256', 'ES256')) }),
  ],
  [
    'client_credentials, private_key_jwt with client_id',
    async (t) => post({ ...cc, client_id: 'es256', ...(await clientAssertion(t, 'es256', 'ES256')) }),
  ],
  [
    'client assertion for another audience',
    async (t) => post({ ...cc, ...(await clientAssertion(t, 'es256', 'ES256', 'https://elsewhere.test')) }),
  ],
  [
    'client assertion not a JWT',
    () => post({ ...cc, client_assertion_type: ASSERTION_TYPE, client_assertion: 'not-a-jwt' }),
  ],
  [
    'client assertion of an unknown type',
    async (t) =>
      post({
        ...cc,
        ...(await clientAssertion(t, 'es256', 'ES256')),
        client_assertion_type: 'urn:example:other',
      }),
  ],
  [
    'client assertion replayed',
    async (t) => {
      const body = { ...cc, ...(await clientAssertion(t, 'es256', 'ES256')) };
      await t.token(post(body));
      return post(body);
    },
  ],
  // bad client authentication
  ['wrong Basic secret', () => post(cc, { Authorization: basic('basic', 'wrong-secret') })],
  ['unknown client (Basic)', () => post(cc, { Authorization: basic('nobody') })],
  ['wrong client_secret_post secret', () => post({ ...cc, client_id: 'post', client_secret: 'wrong' })],
  ['no client authentication', () => post(cc)],
  ['client_id only, confidential client', () => post({ ...cc, client_id: 'basic' })],
  ['malformed Basic: not base64', () => post(cc, { Authorization: 'Basic !!!' })],
  ['malformed Basic: no colon', () => post(cc, { Authorization: `Basic ${btoa('basic')}` })],
  ['malformed Basic: no credentials', () => post(cc, { Authorization: 'Basic' })],
  ['Bearer in Authorization', () => post(cc, { Authorization: 'Bearer abc' })],
  [
    'Basic and client_secret in the body',
    () => post({ ...cc, client_secret: SECRET }, { Authorization: basic('basic') }),
  ],
  [
    'client_id in the body differs from Basic',
    () => post({ ...cc, client_id: 'post' }, { Authorization: basic('basic') }),
  ],
  [
    'method not registered for the client (post for a Basic client)',
    () => post({ ...cc, client_id: 'basic', client_secret: SECRET }),
  ],
  // malformed requests
  [
    'JSON body',
    () => ({
      endpoint: 'token',
      headers: { 'Content-Type': 'application/json', Authorization: basic('basic') },
      body: JSON.stringify(cc),
    }),
  ],
  [
    'text/plain body',
    () => ({
      endpoint: 'token',
      headers: { 'Content-Type': 'text/plain', Authorization: basic('basic') },
      body: 'grant_type=client_credentials',
    }),
  ],
  [
    'duplicate parameter',
    () => ({
      endpoint: 'token',
      headers: { ...FORM, Authorization: basic('basic') },
      body: 'grant_type=client_credentials&scope=api:read&scope=api:write',
    }),
  ],
  ['missing grant_type', () => post({}, { Authorization: basic('basic') })],
  [
    'unknown grant_type',
    () => post({ grant_type: 'password', username: 'u', password: 'p' }, { Authorization: basic('basic') }),
  ],
  [
    'grant not allowed for the client',
    () => post({ grant_type: 'refresh_token', refresh_token: 'x' }, { Authorization: basic('basic') }),
  ],
  ['GET on the token endpoint', () => ({ endpoint: 'token', method: 'GET' })],
  [
    'PUT on the token endpoint',
    () => ({
      endpoint: 'token',
      method: 'PUT',
      headers: { ...FORM, Authorization: basic('basic') },
      body: 'grant_type=client_credentials',
    }),
  ],
  // authorization_code + PKCE
  ['authorization_code, openid offline_access', (t) => codeRequest(t, 'openid offline_access')],
  ['authorization_code, openid only', (t) => codeRequest(t, 'openid')],
  [
    'authorization_code, public client',
    async (t) => {
      const { code, verifier } = await t.code('public', 'openid offline_access');
      return post({
        grant_type: 'authorization_code',
        code,
        code_verifier: verifier,
        redirect_uri: REDIRECT,
        client_id: 'public',
      });
    },
  ],
  [
    'authorization_code, wrong code_verifier',
    (t) => codeRequest(t, 'openid', { code_verifier: 'x'.repeat(43) }),
  ],
  ['authorization_code, no code_verifier', (t) => codeRequest(t, 'openid', { code_verifier: null })],
  [
    'authorization_code, other redirect_uri',
    (t) => codeRequest(t, 'openid', { redirect_uri: 'http://127.0.0.1:1/other' }),
  ],
  ['authorization_code, unknown code', (t) => codeRequest(t, 'openid', { code: 'unknown-code' })],
  ['authorization_code, no code', (t) => codeRequest(t, 'openid', { code: null })],
  [
    'authorization_code, code used twice',
    async (t) => {
      const request = await codeRequest(t, 'openid');
      await t.token({ ...request, body: new URLSearchParams(request.body as URLSearchParams) });
      return request;
    },
  ],
  // refresh_token
  [
    'refresh_token',
    async (t) =>
      post(
        { grant_type: 'refresh_token', refresh_token: await refreshOf(t) },
        { Authorization: basic('web') },
      ),
  ],
  [
    'refresh_token, public client',
    async (t) =>
      post({ grant_type: 'refresh_token', refresh_token: await refreshOf(t, 'public'), client_id: 'public' }),
  ],
  [
    'refresh_token, narrower scope',
    async (t) =>
      post(
        { grant_type: 'refresh_token', refresh_token: await refreshOf(t), scope: 'openid' },
        { Authorization: basic('web') },
      ),
  ],
  [
    'refresh_token, wider scope',
    async (t) =>
      post(
        {
          grant_type: 'refresh_token',
          refresh_token: await refreshOf(t),
          scope: 'openid offline_access api:write',
        },
        { Authorization: basic('web') },
      ),
  ],
  [
    'refresh_token, unknown token',
    () => post({ grant_type: 'refresh_token', refresh_token: 'unknown' }, { Authorization: basic('web') }),
  ],
  ['refresh_token, missing', () => post({ grant_type: 'refresh_token' }, { Authorization: basic('web') })],
  [
    'refresh_token, rotated token reused',
    async (t) => {
      const refresh = await refreshOf(t);
      await t.token(
        post({ grant_type: 'refresh_token', refresh_token: refresh }, { Authorization: basic('web') }),
      );
      return post({ grant_type: 'refresh_token', refresh_token: refresh }, { Authorization: basic('web') });
    },
  ],
  // extension grants
  [
    'jwt-bearer',
    async (t) =>
      post(
        { grant_type: JWT_BEARER, assertion: await assertion(t, { iss: 'bearer', sub: 'alice' }, 'ES256') },
        { Authorization: basic('bearer') },
      ),
  ],
  ['jwt-bearer, no assertion', () => post({ grant_type: JWT_BEARER }, { Authorization: basic('bearer') })],
  [
    'jwt-bearer, assertion not a JWT',
    () => post({ grant_type: JWT_BEARER, assertion: 'abc' }, { Authorization: basic('bearer') }),
  ],
  [
    'token-exchange',
    async (t) =>
      post(
        { grant_type: EXCHANGE, subject_token: await accessTokenOf(t), subject_token_type: ACCESS },
        { Authorization: basic('exchanger') },
      ),
  ],
  [
    'token-exchange, unknown subject_token',
    () =>
      post(
        { grant_type: EXCHANGE, subject_token: 'unknown', subject_token_type: ACCESS },
        { Authorization: basic('exchanger') },
      ),
  ],
  [
    'token-exchange, no subject_token',
    () => post({ grant_type: EXCHANGE, subject_token_type: ACCESS }, { Authorization: basic('exchanger') }),
  ],
  // revocation (RFC 7009) and introspection (RFC 7662)
  [
    'revocation of an access token',
    async (t) => ({
      ...post({ token: await accessTokenOf(t) }, { Authorization: basic('basic') }),
      endpoint: 'revocation',
    }),
  ],
  [
    'revocation of an unknown token',
    () => ({ ...post({ token: 'unknown' }, { Authorization: basic('basic') }), endpoint: 'revocation' }),
  ],
  [
    'revocation without token',
    () => ({ ...post({}, { Authorization: basic('basic') }), endpoint: 'revocation' }),
  ],
  [
    'revocation, wrong secret',
    () => ({ ...post({ token: 'x' }, { Authorization: basic('basic', 'wrong') }), endpoint: 'revocation' }),
  ],
  ['revocation, GET', () => ({ endpoint: 'revocation', method: 'GET' })],
  [
    'introspection of an active token',
    async (t) => ({
      ...post({ token: await accessTokenOf(t) }, { Authorization: basic('basic') }),
      endpoint: 'introspection',
    }),
  ],
  [
    'introspection of an unknown token',
    () => ({ ...post({ token: 'unknown' }, { Authorization: basic('basic') }), endpoint: 'introspection' }),
  ],
  ['introspection, no client authentication', () => ({ ...post({ token: 'x' }), endpoint: 'introspection' })],
  // discovery and keys
  ['discovery document', () => ({ endpoint: 'discovery', method: 'GET' })],
  ['JWKS', () => ({ endpoint: 'jwks', method: 'GET' })],
];

async function send(t: Target, sent: Sent): Promise<Response> {
  const init: RequestInit = {
    method: sent.method ?? 'POST',
    headers: sent.headers ?? {},
    redirect: 'manual',
  };
  if (sent.body !== undefined) init.body = sent.body;
  return fetch(t.endpoints[sent.endpoint], init);
}

const lastBodies: string[] = [];
async function observe(response: Response, issuer: string): Promise<Observed> {
  const text = await response.text();
  lastBodies.push(`${response.status} ${text.slice(0, 160)}`);
  let body: Record<string, unknown> | undefined;
  try {
    body = JSON.parse(text) as Record<string, unknown>;
  } catch {
    body = undefined;
  }
  const ok = response.status === 200 && body !== undefined && body.error === undefined;
  let fields: string | undefined;
  if (ok && 'active' in body!) fields = `active=${String(body!.active)}`;
  else if (ok && 'access_token' in body!) fields = Object.keys(body!).sort().join(' ');
  return {
    status: response.status,
    error: typeof body?.error === 'string' ? body.error : undefined,
    fields,
    contentType: response.headers.get('Content-Type'),
    cacheControl: response.headers.get('Cache-Control'),
    pragma: response.headers.get('Pragma'),
    challenge: response.headers.get('WWW-Authenticate')?.replaceAll(issuer, '<issuer>') ?? null,
    idToken:
      typeof body?.id_token === 'string' ? Object.keys(claimsOf(body.id_token)).sort().join(' ') : undefined,
  };
}

function pkce() {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

function authorizationUrl(authorize: string, clientId: string, scope: string, challenge: string) {
  const url = new URL(authorize);
  url.search = new URLSearchParams({
    client_id: clientId,
    response_type: 'code',
    redirect_uri: REDIRECT,
    scope,
    state: 'parity',
    prompt: 'consent',
    code_challenge: challenge,
    code_challenge_method: 'S256',
  }).toString();
  return url;
}

async function discover(issuer: string) {
  const doc = (await (await fetch(`${issuer}/.well-known/openid-configuration`)).json()) as Record<
    string,
    string
  >;
  return {
    token: doc.token_endpoint!,
    revocation: doc.revocation_endpoint!,
    introspection: doc.introspection_endpoint!,
    discovery: `${issuer}/.well-known/openid-configuration`,
    jwks: doc.jwks_uri!,
    authorize: doc.authorization_endpoint!,
  };
}

async function successful(t: Target, sent: Sent): Promise<Record<string, string>> {
  const response = await send(t, sent);
  const json = (await response.json()) as Record<string, string>;
  if (response.status !== 200) throw new Error(`${t.name}: ${response.status} ${JSON.stringify(json)}`);
  return json;
}

let op: RunningOidcProvider;
let mockHttp: MockAuthHttpServer;
const targets: Target[] = [];

beforeAll(async () => {
  ecKey = (await generateKeyPair('ES256', { extractable: true })) as CryptoKeyPair;
  hmacKey = new TextEncoder().encode(SECRET);
  const publicJwk = { ...(await exportJWK(ecKey.publicKey)), kid: 'parity-ec' };
  op = await startOidcProvider({
    clients: CLIENT_SPECS.map((c) => ({
      client_id: c.id,
      ...(c.method === 'none' || c.method === 'private_key_jwt' ? {} : { client_secret: SECRET }),
      token_endpoint_auth_method: c.method,
      grant_types: c.grants,
      redirect_uris: c.grants.includes('authorization_code') ? [REDIRECT] : [],
      response_types: c.grants.includes('authorization_code') ? ['code'] : [],
      ...(c.key ? { jwks: { keys: [publicJwk] } } : {}),
      ...(c.scope ? { scope: c.scope } : {}),
    })),
    resources: [{ indicator: API }],
  });
  const mockClients: MockClient[] = CLIENT_SPECS.map((c) => ({
    clientId: c.id,
    ...(c.method === 'none' || c.method === 'private_key_jwt' ? {} : { clientSecret: SECRET }),
    grants: c.grants,
    redirectUris: [REDIRECT],
    ...(c.scope ? { scopes: c.scope.split(' ') } : {}),
    ...(c.key ? { jwks: [publicJwk] } : {}),
  }));
  const auth = createMockAuthServer({
    tokenUrl: '/token',
    clients: mockClients,
    accessTokenFormat: 'jwt',
    resources: [API],
  });
  mockHttp = await auth.listen();

  const targetOf = (
    name: Target['name'],
    issuer: string,
    endpoints: Awaited<ReturnType<typeof discover>>,
    authorize: (url: URL) => Promise<URL>,
  ): Target => ({
    name,
    issuer,
    endpoints,
    authorizeUrl: endpoints.authorize,
    authorize,
    async code(clientId, scope) {
      const { verifier, challenge } = pkce();
      const back = await authorize(authorizationUrl(endpoints.authorize, clientId, scope, challenge));
      const code = back.searchParams.get('code');
      if (!code) throw new Error(`${name}: no code (${back.href})`);
      return { code, verifier };
    },
    token(sent) {
      return successful(this, sent);
    },
  });
  targets.push(
    targetOf(
      'oidc-provider',
      op.issuer,
      await discover(op.issuer),
      async (url) => (await op.login(url)).redirect,
    ),
    targetOf('mock', mockHttp.url, await discover(mockHttp.url), async (url) => {
      const response = await fetch(url, { redirect: 'manual' });
      return new URL(response.headers.get('Location') ?? '', url);
    }),
  );
});

afterAll(async () => {
  await mockHttp?.close();
  await op?.close();
});

/**
 * Differences kept on purpose, by case: what the mock answers instead (the other fields must
 * still match). Each one is in the README's "Differences from oidc-provider" table.
 */
const KEPT: Record<string, Partial<Observed>> = {
  'client_credentials, client with scopes, no scope': {
    fields: 'access_token expires_in scope token_type',
  },
  'client_credentials, unknown scope': { fields: 'access_token expires_in scope token_type' },
  'no client authentication': { status: 401, error: 'invalid_client' },
  'introspection, no client authentication': { status: 401, error: 'invalid_client' },
  'grant not allowed for the client': { error: 'unauthorized_client' },
};

describe('parity with oidc-provider over HTTP', () => {
  it.each(CASES)('%s', async (name, build) => {
    const [real, mock] = (await Promise.all(
      targets.map(async (t) => observe(await send(t, await build(t)), t.issuer)),
    )) as [Observed, Observed];
    const kept = KEPT[name];
    const { pragma, ...rest } = mock;
    const { pragma: realPragma, ...expected } = { ...real, ...kept };
    expect(rest).toEqual(expected);
    // Kept on purpose: `Pragma: no-cache` next to `Cache-Control: no-store` (RFC 6749 §5.1);
    // oidc-provider sends no Pragma.
    expect([realPragma, pragma]).toEqual([null, mock.cacheControl === 'no-store' ? 'no-cache' : null]);
    if (kept) {
      const keys = Object.keys(kept) as (keyof Observed)[];
      expect(Object.fromEntries(keys.map((k) => [k, real[k]]))).not.toEqual(kept);
    }
  });

  it('a JWT access token for a resource has the same header and claims (RFC 9068)', async () => {
    const tokens = await Promise.all(
      targets.map((t) =>
        t.token(post({ ...cc, resource: API, scope: 'api:read' }, { Authorization: basic('basic') })),
      ),
    );
    const [real, mock] = tokens.map(({ access_token: token }) => {
      const header = JSON.parse(Buffer.from(token!.split('.')[0]!, 'base64url').toString('utf8'));
      const claims = claimsOf(token!);
      return {
        typ: header.typ,
        names: Object.keys(claims).sort().join(' '),
        values: [claims.sub, claims.aud, claims.client_id, claims.scope],
        lifetime: (claims.exp as number) - (claims.iat as number),
      };
    });
    expect(real).toEqual({
      typ: 'at+jwt',
      names: 'aud client_id exp iat iss jti scope sub',
      values: ['basic', API, 'basic', 'api:read'],
      lifetime: 3600,
    });
    expect(mock).toEqual(real);
  });

  it('an authorization request answers an unregistered resource with invalid_target', async () => {
    const errors = await Promise.all(
      targets.map(async (t) => {
        const url = authorizationUrl(t.authorizeUrl, 'web', 'openid', pkce().challenge);
        url.searchParams.set('resource', 'https://unknown.parity.test');
        const back = await t.authorize(url);
        return [back.origin + back.pathname, back.searchParams.get('error'), back.searchParams.get('state')];
      }),
    );
    expect(errors[0]).toEqual([REDIRECT, 'invalid_target', 'parity']);
    expect(errors[1]).toEqual(errors[0]);
  });

  it('every kept difference is listed in the README', () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    for (const name of Object.keys(KEPT)) expect(readme).toContain(`\`${name}\``);
  });
});
