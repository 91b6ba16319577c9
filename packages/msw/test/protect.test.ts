import { HttpResponse, http } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createMockAuthServer } from '../src/index.js';
import { getWith, postToken } from './helpers.js';

const tokenUrl = 'https://auth.example.test/oauth/token';
const api = 'https://api.example.test';
const app = { id: 'app', secret: 's3cret' };
const auth = createMockAuthServer({
  tokenUrl,
  clients: [
    { clientId: 'app', clientSecret: 's3cret', scopes: ['read', 'write'] },
    { clientId: 'other', clientSecret: 'o' },
  ],
  accessTokenTtlMs: 60_000,
});
const server = setupServer(
  ...auth.handlers,
  http.get(
    `${api}/me`,
    auth.protect(({ auth: info }) => HttpResponse.json(info)),
  ),
  http.delete(
    `${api}/items/:id`,
    auth.protect(({ params }) => HttpResponse.json({ deleted: params.id }), { scopes: ['admin'] }),
  ),
);

beforeAll(() => server.listen({ onUnhandledFrame: 'error' }));
afterEach(() => {
  auth.reset();
  vi.useRealTimers();
});
afterAll(() => server.close());

async function token(scope?: string, client = app): Promise<string> {
  const res = await postToken(
    tokenUrl,
    { grant_type: 'client_credentials', ...(scope ? { scope } : {}) },
    client,
  );
  return (await res.json()).access_token;
}

async function expectInvalid(res: Response, description: RegExp) {
  expect(res.status).toBe(401);
  expect(res.headers.get('WWW-Authenticate')).toMatch(/^Bearer error="invalid_token", error_description="/);
  expect(await res.json()).toEqual({
    error: 'invalid_token',
    error_description: expect.stringMatching(description),
  });
}

describe('protect', () => {
  it('passes a valid token through with its grant as info.auth', async () => {
    const res = await getWith(`${api}/me`, await token('read'));
    expect(await res.json()).toEqual({ clientId: 'app', scopes: ['read'] });
    expect(auth.stats.apiRequests).toBe(1);
    expect(auth.stats.rejectedApiRequests).toBe(0);
  });

  it('answers 401 invalid_token for missing and unknown tokens', async () => {
    await expectInvalid(await getWith(`${api}/me`), /no bearer token/);
    await expectInvalid(
      await fetch(`${api}/me`, { headers: { Authorization: 'Basic YTpi' } }),
      /no bearer token/,
    );
    await expectInvalid(await getWith(`${api}/me`, 'mock_at_forged'), /not known/);
    expect(auth.stats.rejectedApiRequestsByReason).toMatchObject({ missing: 2, unknown: 1 });
  });

  it('answers 401 once the token expires, following fake timers', async () => {
    // MSW's interception in Node needs a real setImmediate: fake only the clock and timeouts.
    vi.useFakeTimers({ toFake: ['Date', 'setTimeout', 'clearTimeout'] });
    const accessToken = await token();
    vi.advanceTimersByTime(59_999);
    expect((await getWith(`${api}/me`, accessToken)).status).toBe(200);
    vi.advanceTimersByTime(1);
    await expectInvalid(await getWith(`${api}/me`, accessToken), /expired/);
    expect(auth.stats.rejectedApiRequestsByReason.expired).toBe(1);
  });

  it('answers 401 after expireAll(), revokeAll() and revoke()', async () => {
    const a = await token();
    auth.expireAll();
    await expectInvalid(await getWith(`${api}/me`, a), /expired/);
    const b = await token();
    auth.revokeAll();
    await expectInvalid(await getWith(`${api}/me`, b), /revoked/);
    const c = await token();
    expect(auth.revoke(c)).toBe(true);
    expect(auth.revoke('mock_at_unknown')).toBe(false);
    await expectInvalid(await getWith(`${api}/me`, c), /revoked/);
    expect(auth.stats.rejectedApiRequestsByReason).toMatchObject({ expired: 1, revoked: 2 });
  });

  it('answers 403 insufficient_scope when a required scope is missing', async () => {
    const res = await fetch(`${api}/items/7`, {
      method: 'DELETE',
      headers: { Authorization: `Bearer ${await token()}` },
    });
    expect(res.status).toBe(403);
    expect(res.headers.get('WWW-Authenticate')).toContain('error="insufficient_scope"');
    expect(res.headers.get('WWW-Authenticate')).toContain('scope="admin"');
    expect((await res.json()).error).toBe('insufficient_scope');
    expect(auth.stats.rejectedApiRequestsByReason.insufficient_scope).toBe(1);
  });

  it('validates its options', () => {
    expect(() => auth.protect(() => undefined, { scopes: 'read' as unknown as string[] })).toThrow(
      /"scopes"/,
    );
    expect(() => auth.protect(undefined as never)).toThrow(TypeError);
  });

  it('rejects a misspelt option, naming it and the known ones', () => {
    expect(() => auth.protect(() => undefined, { scope: ['read'] } as never)).toThrow(
      new TypeError('protect: unknown option "scope" (known: scopes, audience, verify, dpop)'),
    );
  });
});

describe('singleActiveToken', () => {
  it('supersedes every earlier access token of the same client only', async () => {
    const single = createMockAuthServer({
      tokenUrl,
      clients: [
        { clientId: 'app', clientSecret: 's3cret' },
        { clientId: 'other', clientSecret: 'o' },
      ],
      singleActiveToken: true,
    });
    await server.boundary(async () => {
      server.use(
        ...single.handlers,
        http.get(
          `${api}/me`,
          single.protect(() => HttpResponse.json({ ok: true })),
        ),
      );
      const first = await token();
      const second = await token();
      const others = await token(undefined, { id: 'other', secret: 'o' });
      expect((await getWith(`${api}/me`, second)).status).toBe(200);
      expect((await getWith(`${api}/me`, others)).status).toBe(200);
      await expectInvalid(await getWith(`${api}/me`, first), /replaced by a newer one/);
      expect(single.stats.rejectedApiRequestsByReason.superseded).toBe(1);
      expect(single.introspect(first)?.status).toBe('superseded');
    })();
  });

  it('is off by default: earlier tokens stay valid', async () => {
    const first = await token();
    await token();
    expect((await getWith(`${api}/me`, first)).status).toBe(200);
  });
});
