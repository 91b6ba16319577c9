/**
 * The protected-resource side: an API verifying the mock's JWT access tokens itself (signature
 * via the JWKS key, audience, whole-second `exp`, scopes), over real HTTP — a plain `node:http`
 * API calling `verifyAccessToken`, and `protect(..., { verify: 'jwt' })` served by `listen()`.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HttpResponse, http } from 'msw';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createMockAuthServer, type MockAuthHttpServer, type MockAuthServerOptions } from '../src/index.js';
import { getWith, postToken } from './helpers.js';

const API = 'https://orders.api.test';
const app = { id: 'app', secret: 'verify-secret' };
/** The injected clock (ms): tokens are issued half-way through a second. */
let clock = 1_800_000_000_500;
const options: MockAuthServerOptions = {
  tokenUrl: '/oauth/token',
  clients: [{ clientId: 'app', clientSecret: app.secret, scopes: ['orders:read', 'orders:write'] }],
  accessTokenFormat: 'jwt',
  accessTokenTtlMs: 3_000,
  timing: 'realistic',
  now: () => clock,
};
const auth = createMockAuthServer(options);
let running: MockAuthHttpServer;
let api: Server;
let apiUrl: string;

beforeAll(async () => {
  running = await auth.listen({
    handlers: [
      http.get(
        '/orders',
        auth.protect(({ auth: info }) => HttpResponse.json(info), {
          verify: 'jwt',
          audience: API,
          scopes: ['orders:read'],
        }),
      ),
      http.get(
        '/orders-lookup',
        auth.protect(({ auth: info }) => HttpResponse.json(info), { audience: API }),
      ),
    ],
  });
  // The app's own API, outside MSW: verifies bearer tokens with verifyAccessToken.
  api = createServer(async (req, res) => {
    const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1] ?? '';
    const checked = await auth.verifyAccessToken(token, { audience: API, scopes: ['orders:read'] });
    const response = checked.ok
      ? Response.json({ sub: checked.claims.sub, ...checked.auth })
      : checked.response;
    res.writeHead(response.status, Object.fromEntries(response.headers));
    res.end(await response.text());
  });
  await new Promise<void>((resolve) => api.listen(0, '127.0.0.1', resolve));
  apiUrl = `http://127.0.0.1:${(api.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await running.close();
  api.closeAllConnections();
  await new Promise((resolve) => api.close(resolve));
});

beforeEach(() => {
  clock = 1_800_000_000_500;
  auth.reset();
});

async function token(params: Record<string, string> = {}): Promise<string> {
  const res = await postToken(running.tokenUrl, { grant_type: 'client_credentials', ...params }, app);
  expect(res.status).toBe(200);
  return ((await res.json()) as { access_token: string }).access_token;
}

async function refusal(res: Response): Promise<[number, string | null, string]> {
  const body = (await res.json()) as { error: string };
  return [res.status, res.headers.get('WWW-Authenticate')?.split(',')[0] ?? null, body.error];
}

describe('verifyAccessToken in an API over HTTP', () => {
  it('accepts a token for its audience with the scope, and tells who called', async () => {
    const jwt = await token({ resource: API, scope: 'orders:read' });
    const res = await getWith(apiUrl, jwt);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ sub: 'app', clientId: 'app', scopes: ['orders:read'], audience: API });
  });

  it('refuses another audience (401) and a missing scope (403), as RFC 6750 says', async () => {
    expect(await refusal(await getWith(apiUrl, await token({ scope: 'orders:read' })))).toEqual([
      401,
      'Bearer error="invalid_token"',
      'invalid_token',
    ]);
    expect(
      await refusal(await getWith(apiUrl, await token({ resource: API, scope: 'orders:write' }))),
    ).toEqual([403, 'Bearer error="insufficient_scope"', 'insufficient_scope']);
    expect(auth.stats.rejectedApiRequestsByReason).toMatchObject({
      wrong_audience: 1,
      insufficient_scope: 1,
    });
  });

  it('expires on the whole second of exp, not at issue time + TTL', async () => {
    const jwt = await token({ resource: API, scope: 'orders:read' }); // iat 1_800_000_000, exp +3 s
    clock = 1_800_000_002_999;
    expect((await getWith(apiUrl, jwt)).status).toBe(200);
    clock = 1_800_000_003_000; // 2.5 s after the request: a 3 s token, as oidc-provider issues it
    expect(await refusal(await getWith(apiUrl, jwt))).toEqual([
      401,
      'Bearer error="invalid_token"',
      'invalid_token',
    ]);
    expect(auth.stats.rejectedApiRequestsByReason.expired).toBe(1);
  });

  it("refuses tokens it cannot verify: another server's key, a tampered payload, an opaque token", async () => {
    const other = createMockAuthServer(options);
    const foreign = await other.signAccessToken('app', { audience: API, scopes: ['orders:read'] });
    const mine = await token({ resource: API, scope: 'orders:read' });
    const [header, payload, signature] = mine.split('.') as [string, string, string];
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    const widened = Buffer.from(JSON.stringify({ ...claims, scope: 'orders:read orders:write' })).toString(
      'base64url',
    );
    for (const bad of [foreign, `${header}.${widened}.${signature}`, 'mock_at_0123456789abcdef']) {
      expect(await refusal(await getWith(apiUrl, bad))).toEqual([
        401,
        'Bearer error="invalid_token"',
        'invalid_token',
      ]);
    }
    expect(auth.stats.rejectedApiRequestsByReason.invalid).toBe(3);
  });
});

describe('a server whose clock is ahead (clockSkewMs)', () => {
  it("issues exp on its own clock; the API judges it on the API's clock", async () => {
    const skewed = createMockAuthServer({ ...options, clockSkewMs: 5_000 });
    const jwt = await skewed.signAccessToken('app', { audience: API, scopes: ['orders:read'] });
    clock += 7_000; // the server thinks 12 s passed, the token (exp = server time + 3 s) looks 4 s old
    expect((await skewed.verifyAccessToken(jwt, { audience: API })).ok).toBe(true);
    expect(skewed.introspect(jwt)?.status).toBe('expired');
    clock += 1_000;
    expect(await skewed.verifyAccessToken(jwt, { audience: API })).toMatchObject({
      ok: false,
      reason: 'expired',
    });
  });
});

describe("protect(..., { verify: 'jwt' }) over listen()", () => {
  it('verifies the JWT (audience, scope, whole-second exp) and hands the resolver auth', async () => {
    const jwt = await token({ resource: API, scope: 'orders:read' });
    const ok = await getWith(`${running.url}/orders`, jwt);
    expect(await ok.json()).toEqual({ clientId: 'app', scopes: ['orders:read'], audience: API });
    expect((await getWith(`${running.url}/orders`, await token({ scope: 'orders:read' }))).status).toBe(401);
    expect((await getWith(`${running.url}/orders`, await token({ resource: API }))).status).toBe(200);
    expect(
      (await getWith(`${running.url}/orders`, await token({ resource: API, scope: 'orders:write' }))).status,
    ).toBe(403);
    expect((await getWith(`${running.url}/orders`)).status).toBe(401);
  });

  it('like a real API, still accepts a revoked JWT until exp; the lookup mode refuses it at once', async () => {
    const jwt = await token({ resource: API, scope: 'orders:read' });
    expect(auth.revoke(jwt)).toBe(true);
    expect((await getWith(`${running.url}/orders`, jwt)).status).toBe(200);
    expect(await refusal(await getWith(`${running.url}/orders-lookup`, jwt))).toEqual([
      401,
      'Bearer error="invalid_token"',
      'invalid_token',
    ]);
    expect(auth.stats.rejectedApiRequestsByReason.revoked).toBe(1);
  });

  it('the lookup mode checks the audience too', async () => {
    const res = await getWith(`${running.url}/orders-lookup`, await token({ scope: 'orders:read' }));
    expect(res.status).toBe(401);
    expect(auth.stats.rejectedApiRequestsByReason.wrong_audience).toBe(1);
  });
});

describe('options', () => {
  it('reject misuse with a TypeError naming the option', async () => {
    const opaque = createMockAuthServer({ ...options, accessTokenFormat: 'opaque' });
    expect(() => opaque.protect(() => undefined, { verify: 'jwt' })).toThrow(/accessTokenFormat/);
    await expect(opaque.verifyAccessToken('x')).rejects.toThrow(/accessTokenFormat/);
    expect(() => auth.protect(() => undefined, { verify: 'jws' as 'jwt' })).toThrow(/"verify"/);
    expect(() => auth.protect(() => undefined, { audience: '' })).toThrow(/"audience"/);
    await expect(auth.verifyAccessToken('x', { scope: ['a'] } as never)).rejects.toThrow(
      /unknown option "scope"/,
    );
    await expect(auth.verifyAccessToken('x', { scopes: 'a' } as never)).rejects.toThrow(/"scopes"/);
  });
});
