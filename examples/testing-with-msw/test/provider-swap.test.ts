/**
 * Replace your provider in tests: ONE app test suite, run against @tokvault/msw and against a
 * real OpenID Provider (oidc-provider), side by side. Only the `PROVIDERS` table differs; the
 * sign-in (authorization code + PKCE through the authorize endpoint), the API (which verifies
 * JWT access tokens with the provider's JWKS, as in production) and the tests are shared.
 * The README of @tokvault/msw ("Replace your provider in tests") quotes this file.
 */
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createMockAuthServer } from '@tokvault/msw';
import { startOidcProvider } from '@tokvault/testkit';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type App, createApp, SignedOutError } from '../src/app.js';

const CLIENT_ID = 'web-app';
const REDIRECT_URI = 'http://127.0.0.1:1/callback';
const API = 'https://orders.example.test'; // the API's audience (RFC 8707 resource indicator)

/** What the shared tests need from an authorization server. */
interface Provider {
  issuer: string;
  /** Follow the authorization URL to the redirect back to the app (the login is auto-approved). */
  authorize(url: URL): Promise<URL>;
  close(): Promise<void>;
}

// The only part that differs: how each provider is started and how its login is driven.
const PROVIDERS: Record<string, () => Promise<Provider>> = {
  '@tokvault/msw': async () => {
    const auth = createMockAuthServer({
      tokenUrl: '/oauth/token',
      clients: [{ clientId: CLIENT_ID, redirectUris: [REDIRECT_URI] }],
      accessTokenFormat: 'jwt',
      timing: 'realistic',
    });
    const server = await auth.listen();
    return {
      issuer: server.url,
      authorize: async (url) => {
        const response = await fetch(url, { redirect: 'manual' }); // approves at once: 303 to the app
        return new URL(response.headers.get('Location')!);
      },
      close: () => server.close(),
    };
  },
  'oidc-provider': async () => {
    const op = await startOidcProvider({
      clients: [
        {
          client_id: CLIENT_ID,
          token_endpoint_auth_method: 'none',
          grant_types: ['authorization_code', 'refresh_token'],
          redirect_uris: [REDIRECT_URI],
          response_types: ['code'],
        },
      ],
      resources: [{ indicator: API, scope: 'orders' }],
      scopes: ['orders'],
    });
    return {
      issuer: op.issuer,
      authorize: async (url) => (await op.login(url)).redirect,
      close: () => op.close(),
    };
  },
};

describe.each(Object.keys(PROVIDERS))('the app against %s', (name) => {
  let provider: Provider;
  let metadata: Record<string, string>;
  let api: Server;
  let apiUrl: string;
  const apps: App[] = [];

  beforeAll(async () => {
    provider = await PROVIDERS[name]!();
    metadata = await (await fetch(`${provider.issuer}/.well-known/openid-configuration`)).json();
    // The orders API, as in production: verifies JWT access tokens with the provider's JWKS.
    const jwks = createRemoteJWKSet(new URL(metadata.jwks_uri!));
    api = createServer(async (req, res) => {
      const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1] ?? '';
      try {
        await jwtVerify(token, jwks, { issuer: provider.issuer, audience: API, typ: 'at+jwt' });
      } catch {
        res.writeHead(401, { 'WWW-Authenticate': 'Bearer error="invalid_token"' }).end();
        return;
      }
      res.writeHead(req.method === 'POST' ? 201 : 200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(req.method === 'POST' ? { id: 1, item: 'tea' } : []));
    });
    await new Promise<void>((resolve) => api.listen(0, '127.0.0.1', resolve));
    apiUrl = `http://127.0.0.1:${(api.address() as AddressInfo).port}/v1/`;
  });
  afterEach(async () => {
    await Promise.all(apps.splice(0).map((app) => app.logout()));
  });
  afterAll(async () => {
    api.closeAllConnections();
    await new Promise((resolve) => api.close(resolve));
    await provider.close();
  });

  /** Sign the user in (code + PKCE, for the orders API) and return the refresh token. */
  async function signIn(): Promise<string> {
    const verifier = randomBytes(32).toString('base64url');
    const url = new URL(metadata.authorization_endpoint!);
    url.search = new URLSearchParams({
      client_id: CLIENT_ID,
      response_type: 'code',
      redirect_uri: REDIRECT_URI,
      scope: 'openid offline_access orders',
      resource: API,
      prompt: 'consent',
      code_challenge: createHash('sha256').update(verifier).digest('base64url'),
      code_challenge_method: 'S256',
    }).toString();
    const code = (await provider.authorize(url)).searchParams.get('code')!;
    const response = await fetch(metadata.token_endpoint!, {
      method: 'POST',
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        code,
        code_verifier: verifier,
        redirect_uri: REDIRECT_URI,
        client_id: CLIENT_ID,
        resource: API,
      }),
    });
    const tokens = (await response.json()) as { refresh_token: string; id_token: string };
    expect(tokens.id_token).toBeDefined();
    return tokens.refresh_token;
  }

  function start(refreshToken: string, saved: string[] = []): App {
    const app = createApp({
      apiUrl,
      tokenUrl: metadata.token_endpoint!,
      clientId: CLIENT_ID,
      refreshToken,
      saveRefreshToken: (token) => void saved.push(token),
    });
    apps.push(app);
    return app;
  }

  it('calls the API with a fresh token and saves the rotated refresh token', async () => {
    const saved: string[] = [];
    const signedIn = await signIn();
    const app = start(signedIn, saved);
    expect(await app.listOrders()).toEqual([]);
    expect(await app.createOrder('tea')).toEqual({ id: 1, item: 'tea' });
    expect(saved).toHaveLength(1); // one refresh for both calls, rotated
    expect(saved[0]).not.toBe(signedIn);
  });

  it('ends the session when the refresh token was revoked at the server (RFC 7009)', async () => {
    const refreshToken = await signIn();
    const revoked = await fetch(metadata.revocation_endpoint!, {
      method: 'POST',
      body: new URLSearchParams({ token: refreshToken, client_id: CLIENT_ID }),
    });
    expect(revoked.status).toBe(200);
    const app = start(refreshToken);
    await expect(app.listOrders()).rejects.toThrow(SignedOutError);
    expect(app.signedOut).toBe(true);
  });

  it('ends the session when an old (rotated) refresh token is reused', async () => {
    const refreshToken = await signIn();
    await start(refreshToken).listOrders(); // rotates it
    await expect(start(refreshToken).listOrders()).rejects.toThrow(SignedOutError);
  });
});

it('the guide in the README of @tokvault/msw quotes this file', () => {
  const readme = readFileSync(new URL('../../../packages/msw/README.md', import.meta.url), 'utf8');
  const guide = readme.slice(readme.indexOf('## Replace your provider in tests'));
  const blocks = guide.slice(0, guide.indexOf('\n## ')).match(/```ts\n[\s\S]*?```/g) ?? [];
  expect(blocks).toHaveLength(2);
  const source = new Set(
    readFileSync(new URL(import.meta.url), 'utf8')
      .split('\n')
      .map((l) => l.trim()),
  );
  const quoted = blocks.flatMap((b) =>
    b
      .split('\n')
      .slice(1, -1)
      .map((l) => l.trim()),
  );
  expect(quoted.filter((line) => line !== '' && line !== '// ...' && !source.has(line))).toEqual([]);
});
