/**
 * A real OpenID Provider for tests: panva's `oidc-provider` (OpenID Certified) on a loopback
 * port, with the clients and features a test asks for, and a login driven over HTTP (the
 * interaction is auto-approved: every requested scope and resource is granted).
 *
 * Facts worth knowing when writing tests against it:
 * - refresh tokens are issued only for `offline_access` with consent (`prompt=consent`);
 * - `iat`/`exp` are whole seconds: a 3 s token lives 2.0-3.0 s;
 * - tokens for a registered resource are JWTs (`aud` = the resource); other access tokens are
 *   opaque (use `introspect`).
 */
import { createHash, generateKeyPairSync, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider, { type ClientMetadata, type Configuration, errors } from 'oidc-provider';
import { registerExtensionGrants } from './oidcGrants.js';

/** A resource server the provider knows (RFC 8707). Its tokens are JWTs with `aud` = `indicator`. */
export interface OidcResource {
  /** The resource indicator (an absolute URI), also the token's `aud`. */
  indicator: string;
  /** Space-delimited scopes it accepts. @default 'api:read api:write' */
  scope?: string;
  /** Access token lifetime in seconds. @default the provider's `accessTokenTtl` */
  accessTokenTtl?: number;
}

/** Options of {@link startOidcProvider}. */
export interface OidcProviderOptions {
  /** Clients (oidc-provider client metadata: `client_id`, `client_secret`, `grant_types`, ...). */
  clients: ClientMetadata[];
  /**
   * Features to enable. `jwtBearer` and `tokenExchange` register the RFC 7523 §2.1 and RFC 8693
   * grants (see `oidcGrants.ts`); a client uses them by listing their URNs in `grant_types`.
   * @default all `true`
   */
  features?: Partial<
    Record<
      | 'clientCredentials'
      | 'revocation'
      | 'introspection'
      | 'resourceIndicators'
      | 'jwtBearer'
      | 'tokenExchange',
      boolean
    >
  >;
  /** Resource servers for `resourceIndicators`. @default [] */
  resources?: OidcResource[];
  /** The resource used when a request names none (must be in `resources`). @default undefined */
  defaultResource?: string;
  /** Access token (and client credentials token) lifetime in seconds. @default 3600 */
  accessTokenTtl?: number;
  /** Refresh token lifetime in seconds. @default 86400 */
  refreshTokenTtl?: number;
  /** Rotate refresh tokens on every use. @default true */
  rotateRefreshToken?: boolean;
  /** Extra scopes the provider knows (besides `openid`, `offline_access`). @default ['api:read', 'api:write'] */
  scopes?: string[];
  /** Port to listen on (loopback). @default 0 (a free port) */
  port?: number;
  /**
   * DPoP (RFC 9449, on in oidc-provider 9): `requireNonce` makes the token and userinfo
   * endpoints demand a server nonce (`use_dpop_nonce`). A client with
   * `dpop_bound_access_tokens: true` in its metadata must use DPoP.
   * @default { requireNonce: false }
   */
  dpop?: { requireNonce?: boolean };
}

/** The outcome of an authorization request driven over HTTP: the redirect back to the client. */
export interface OidcLoginResult {
  /** The URL the provider redirected to (`redirect_uri` with `code` and `state`, or `error`). */
  redirect: URL;
  /** `code` from the redirect, if any. */
  code: string | undefined;
  /** `state` from the redirect, if any. */
  state: string | undefined;
}

/** Tokens from {@link RunningOidcProvider.issueTokens}. */
export interface OidcTokens {
  access_token: string;
  refresh_token?: string;
  expires_in?: number;
  token_type: string;
  id_token?: string;
  scope?: string;
}

/** A running provider (see {@link startOidcProvider}). */
export interface RunningOidcProvider {
  /** The issuer identifier (`http://127.0.0.1:<port>`), as in the discovery document. */
  readonly issuer: string;
  /** Same as `issuer`: the base URL. */
  readonly url: string;
  /** `<issuer>/token`. */
  readonly tokenEndpoint: string;
  /** The `oidc-provider` instance (events, models, configuration). */
  readonly provider: Provider;
  /** HTTP requests the server received, by path (`/token`, `/token/revocation`, ...). */
  readonly requests: Map<string, number>;
  /** How many requests reached `path`. */
  count(path: string): number;
  /** Answer the next `times` requests to `path` with `status` (an outage), before the provider sees them. */
  failNext(path: string, status: number, times?: number): void;
  /**
   * Drive an authorization request (an authorization URL built by the code under test) through
   * login and consent over HTTP, auto-approving as `accountId`, until the provider redirects to
   * the client's `redirect_uri`.
   */
  login(authorizationUrl: string | URL, options?: { accountId?: string }): Promise<OidcLoginResult>;
  /**
   * A whole code + PKCE login done with plain `fetch`, independent of the code under test: the
   * tokens a session starts from (with a refresh token when `scope` has `offline_access`).
   * Confidential clients authenticate with `client_secret_basic`.
   */
  issueTokens(options: {
    clientId: string;
    clientSecret?: string;
    redirectUri: string;
    scope?: string;
    resource?: string;
    accountId?: string;
  }): Promise<OidcTokens>;
  /** RFC 7662 introspection (authenticating as the given client with Basic). */
  introspect(
    token: string,
    client: { clientId: string; clientSecret: string },
  ): Promise<Record<string, unknown>>;
  /** Stop the server (closes open connections). */
  close(): Promise<void>;
}

let signingKeys: { keys: Record<string, unknown>[] } | undefined;

function providerKeys(): { keys: Record<string, unknown>[] } {
  if (signingKeys) return signingKeys;
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' });
  const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'jwk' });
  signingKeys = {
    keys: [
      { ...rsa, kid: 'rs', use: 'sig' },
      { ...ec, kid: 'es', use: 'sig' },
    ],
  };
  return signingKeys;
}

function base64url(bytes: Buffer): string {
  return bytes.toString('base64url');
}

async function autoApprove(provider: Provider, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const details = await provider.interactionDetails(req, res);
  const { prompt, params } = details;
  const accountId = String(params.login_hint ?? 'user-1');
  if (prompt.name === 'login') {
    await provider.interactionFinished(
      req,
      res,
      { login: { accountId } },
      { mergeWithLastSubmission: false },
    );
    return;
  }
  const grant = details.grantId
    ? await provider.Grant.find(details.grantId)
    : new provider.Grant({
        accountId: details.session?.accountId ?? accountId,
        clientId: String(params.client_id),
      });
  if (!grant) throw new Error('oidc-provider: grant not found');
  const missing = prompt.details as {
    missingOIDCScope?: string[];
    missingOIDCClaims?: string[];
    missingResourceScopes?: Record<string, string[]>;
  };
  if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
  if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
  for (const [indicator, scopes] of Object.entries(missing.missingResourceScopes ?? {})) {
    grant.addResourceScope(indicator, scopes.join(' '));
  }
  const grantId = await grant.save();
  await provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
}

/**
 * Start `oidc-provider` on `127.0.0.1` with the given clients and features. Kill it with
 * `close()` in `afterAll`.
 *
 * @example
 * ```ts
 * const op = await startOidcProvider({
 *   clients: [{ client_id: 'svc', client_secret: 'a-long-enough-secret', grant_types: ['client_credentials'], redirect_uris: [], response_types: [] }],
 * });
 * afterAll(() => op.close());
 * const vault = createTokenVault({ fetchToken: clientCredentials({ issuer: op.issuer, clientId: 'svc', clientSecret }) });
 * ```
 */
export async function startOidcProvider(options: OidcProviderOptions): Promise<RunningOidcProvider> {
  const features = {
    clientCredentials: true,
    revocation: true,
    introspection: true,
    resourceIndicators: true,
    jwtBearer: true,
    tokenExchange: true,
    ...options.features,
  };
  const resources = new Map((options.resources ?? []).map((r) => [r.indicator, r]));
  const accessTokenTtl = options.accessTokenTtl ?? 3600;
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const issuer = `http://127.0.0.1:${port}`;

  const configuration: Configuration = {
    clients: options.clients,
    jwks: providerKeys() as Configuration['jwks'],
    cookies: { keys: [base64url(randomBytes(32))] },
    scopes: ['openid', 'offline_access', ...(options.scopes ?? ['api:read', 'api:write'])],
    rotateRefreshToken: options.rotateRefreshToken ?? true,
    ttl: {
      AccessToken: accessTokenTtl,
      ClientCredentials: accessTokenTtl,
      RefreshToken: options.refreshTokenTtl ?? 86_400,
      AuthorizationCode: 60,
      Interaction: 600,
      Session: 3600,
      Grant: 86_400,
      IdToken: 3600,
    },
    findAccount: async (_ctx, sub) => ({ accountId: sub, claims: async () => ({ sub }) }),
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    features: {
      devInteractions: { enabled: false },
      dPoP: {
        enabled: true,
        // nonces only when required (with a secret, oidc-provider also answers a stale iat with one)
        nonceSecret: options.dpop?.requireNonce ? randomBytes(32) : undefined,
        requireNonce: () => options.dpop?.requireNonce ?? false,
      },
      clientCredentials: { enabled: features.clientCredentials },
      revocation: { enabled: features.revocation },
      introspection: { enabled: features.introspection, allowedPolicy: async () => true },
      resourceIndicators: {
        enabled: features.resourceIndicators,
        defaultResource: async (_ctx, _client, oneOf) => oneOf ?? options.defaultResource,
        useGrantedResource: async () => true,
        getResourceServerInfo: async (_ctx, indicator) => {
          const resource = resources.get(indicator);
          if (!resource) throw new errors.InvalidTarget(`unknown resource ${indicator}`);
          return {
            scope: resource.scope ?? 'api:read api:write',
            audience: indicator,
            accessTokenTTL: resource.accessTokenTtl ?? accessTokenTtl,
            accessTokenFormat: 'jwt',
          };
        },
      },
    },
  };
  const provider = new Provider(issuer, configuration);
  registerExtensionGrants(provider, features);
  const callback = provider.callback();
  const requests = new Map<string, number>();
  const failures = new Map<string, { status: number; times: number }>();
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const path = new URL(req.url ?? '/', issuer).pathname;
    requests.set(path, (requests.get(path) ?? 0) + 1);
    const failure = failures.get(path);
    if (failure && failure.times > 0) {
      failure.times -= 1;
      res.writeHead(failure.status, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: 'temporarily_unavailable' }));
      return;
    }
    if (path.startsWith('/interaction/')) {
      autoApprove(provider, req, res).catch((error: unknown) => {
        res.statusCode = 500;
        res.end(String(error));
      });
      return;
    }
    callback(req, res);
  });

  async function login(authorizationUrl: string | URL, loginOptions: { accountId?: string } = {}) {
    const cookies = new Map<string, string>();
    let url = new URL(authorizationUrl);
    if (loginOptions.accountId) url.searchParams.set('login_hint', loginOptions.accountId);
    for (let hop = 0; hop < 20; hop += 1) {
      if (url.origin !== issuer) {
        return {
          redirect: url,
          code: url.searchParams.get('code') ?? undefined,
          state: url.searchParams.get('state') ?? undefined,
        };
      }
      const cookie = [...cookies].map(([name, value]) => `${name}=${value}`).join('; ');
      const response = await fetch(url, { redirect: 'manual', headers: cookie ? { cookie } : {} });
      for (const header of response.headers.getSetCookie()) {
        const [pair = ''] = header.split(';');
        const eq = pair.indexOf('=');
        cookies.set(pair.slice(0, eq), pair.slice(eq + 1));
      }
      const location = response.headers.get('location');
      if (!location) {
        throw new Error(
          `oidc-provider login: ${url.pathname} answered ${response.status}: ${await response.text()}`,
        );
      }
      await response.body?.cancel();
      url = new URL(location, url);
    }
    throw new Error('oidc-provider login: too many redirects');
  }

  return {
    issuer,
    url: issuer,
    tokenEndpoint: `${issuer}/token`,
    provider,
    requests,
    count: (path) => requests.get(path) ?? 0,
    failNext: (path, status, times = 1) => {
      failures.set(path, { status, times });
    },
    login,
    async issueTokens({ clientId, clientSecret, redirectUri, scope, resource, accountId }) {
      const verifier = base64url(randomBytes(32));
      const authorize = new URL(`${issuer}/auth`);
      authorize.search = new URLSearchParams({
        client_id: clientId,
        response_type: 'code',
        redirect_uri: redirectUri,
        scope: scope ?? 'openid offline_access',
        prompt: 'consent',
        code_challenge: base64url(createHash('sha256').update(verifier).digest()),
        code_challenge_method: 'S256',
        ...(resource ? { resource } : {}),
      }).toString();
      const { code } = await login(authorize, accountId ? { accountId } : {});
      if (!code) throw new Error('oidc-provider login: no code');
      const body = new URLSearchParams({
        grant_type: 'authorization_code',
        code,
        redirect_uri: redirectUri,
        code_verifier: verifier,
      });
      const headers: Record<string, string> = {};
      if (clientSecret) {
        const basic = `${encodeURIComponent(clientId)}:${encodeURIComponent(clientSecret)}`;
        headers.authorization = `Basic ${Buffer.from(basic).toString('base64')}`;
      } else body.set('client_id', clientId);
      if (resource) body.set('resource', resource);
      const response = await fetch(`${issuer}/token`, { method: 'POST', headers, body });
      const json = (await response.json()) as OidcTokens;
      if (!response.ok) throw new Error(`oidc-provider token: ${response.status} ${JSON.stringify(json)}`);
      return json;
    },
    async introspect(token, { clientId, clientSecret }) {
      const basic = `${encodeURIComponent(clientId)}:${encodeURIComponent(clientSecret)}`;
      const response = await fetch(`${issuer}/token/introspection`, {
        method: 'POST',
        headers: { authorization: `Basic ${Buffer.from(basic).toString('base64')}` },
        body: new URLSearchParams({ token }),
      });
      return (await response.json()) as Record<string, unknown>;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
