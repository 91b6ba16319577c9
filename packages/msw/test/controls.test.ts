import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createMockAuthServer, type MockAuthServerOptions } from '../src/index.js';
import { postToken } from './helpers.js';

const tokenUrl = 'https://auth.example.test/oauth/token';
const app = { id: 'app', secret: 's3cret' };
const clients = [{ clientId: 'app', clientSecret: 's3cret' }];
const auth = createMockAuthServer({ tokenUrl, clients });
const server = setupServer(...auth.handlers);

beforeAll(() => server.listen({ onUnhandledFrame: 'error' }));
afterEach(() => {
  auth.reset();
  vi.useRealTimers();
});
afterAll(() => server.close());

const grant = () => postToken(tokenUrl, { grant_type: 'client_credentials' }, app);

describe('failNext', () => {
  it('fails the next N token requests with 503 temporarily_unavailable by default, then recovers', async () => {
    auth.failNext(2);
    for (let i = 0; i < 2; i += 1) {
      const res = await grant();
      expect(res.status).toBe(503);
      expect(await res.json()).toEqual({
        error: 'temporarily_unavailable',
        error_description: 'injected failure',
      });
    }
    expect((await grant()).status).toBe(200);
    expect(auth.stats).toMatchObject({ tokenRequests: 3, tokensIssued: 1 });
    expect(auth.stats.tokenErrors.injected).toBe(2);
  });

  it('sends status, body, headers and Retry-After (seconds or HTTP date), in FIFO order', async () => {
    const date = new Date('2030-01-01T00:00:00Z');
    auth.failNext(1, { status: 429, retryAfter: 7, body: { error: 'slow_down' } });
    auth.failNext(1, { status: 500, retryAfter: date, headers: { 'X-Trace': 't1' } });
    auth.failNext(1, { status: 200, body: 'not json' });
    const first = await grant();
    expect([first.status, first.headers.get('Retry-After'), await first.json()]).toEqual([
      429,
      '7',
      { error: 'slow_down' },
    ]);
    const second = await grant();
    expect([second.status, second.headers.get('Retry-After'), second.headers.get('X-Trace')]).toEqual([
      500,
      'Tue, 01 Jan 2030 00:00:00 GMT',
      't1',
    ]);
    const third = await grant();
    expect([third.status, third.headers.get('Content-Type'), await third.text()]).toEqual([
      200,
      'text/plain',
      'not json',
    ]);
  });

  it('fails at the network level with networkError', async () => {
    auth.failNext(1, { networkError: true });
    await expect(grant()).rejects.toThrow(TypeError);
    expect((await grant()).status).toBe(200);
  });

  it('delays the failure by delayMs (fake timers)', async () => {
    vi.useFakeTimers({ toFake: ['Date', 'setTimeout', 'clearTimeout'] });
    auth.failNext(1, { delayMs: 5_000 });
    let settled = false;
    const pending = grant().then((res) => {
      settled = true;
      return res.status;
    });
    await vi.advanceTimersByTimeAsync(4_999);
    expect(settled).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(await pending).toBe(503);
  });

  it('validates its arguments with TypeErrors naming the option', () => {
    expect(() => auth.failNext(-1)).toThrow(/"count"/);
    expect(() => auth.failNext(1.5)).toThrow(TypeError);
    expect(() => auth.failNext(1, { status: 99 })).toThrow(/"status"/);
    expect(() => auth.failNext(1, { delayMs: Number.NaN })).toThrow(/"delayMs"/);
    expect(() => auth.failNext(1, { retryAfter: -2 })).toThrow(/"retryAfter"/);
  });

  it('rejects a misspelt option, naming it and the known ones', () => {
    expect(() => auth.failNext(1, { statusCode: 429 } as never)).toThrow(
      new TypeError(
        'failNext: unknown option "statusCode" (known: status, body, retryAfter, headers, delayMs, networkError)',
      ),
    );
  });
});

describe('latency and reset', () => {
  it('setLatency delays every token response until the timers advance', async () => {
    vi.useFakeTimers({ toFake: ['Date', 'setTimeout', 'clearTimeout'] });
    auth.setLatency(1_000);
    let settled = false;
    const pending = grant().then((res) => {
      settled = true;
      return res.status;
    });
    await vi.advanceTimersByTimeAsync(999);
    expect(settled).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(await pending).toBe(200);
    expect(() => auth.setLatency(-1)).toThrow(/"ms"/);
  });

  it('reset() forgets tokens, failures, latency and counters (the stats object stays live)', async () => {
    const stats = auth.stats;
    const accessToken = (await (await grant()).json()).access_token;
    auth.failNext(3);
    auth.setLatency(60_000);
    const byGrant = stats.tokenRequestsByGrant;
    expect(byGrant.client_credentials).toBe(1);
    auth.reset();
    expect(stats).toEqual(createMockAuthServer({ tokenUrl, clients }).stats); // every counter zero
    expect(stats.tokenRequestsByGrant).toBe(byGrant); // nested records stay live too
    expect(auth.introspect(accessToken)).toBeUndefined();
    expect((await grant()).status).toBe(200);
    expect(stats.tokenRequests).toBe(1);
  });

  it('expireAll() keeps refresh tokens valid', async () => {
    const refreshToken = auth.issueRefreshToken('app');
    const accessToken = auth.issueAccessToken('app');
    auth.expireAll();
    expect(auth.introspect(accessToken)?.status).toBe('expired');
    expect(auth.introspect(refreshToken)?.status).toBe('active');
  });
});

describe('options', () => {
  const cases: [Partial<MockAuthServerOptions>, string][] = [
    [{ tokenUrl: 'not a url' }, 'tokenUrl'],
    [{ clients: [] }, 'clients'],
    [{ clients: [{ clientId: '' }] }, 'clients[0].clientId'],
    [{ clients: [{ clientId: 'a' }, { clientId: 'a' }] }, 'clients[1].clientId'],
    [{ clients: [{ clientId: 'a', clientSecret: '' }] }, 'clients[0].clientSecret'],
    [{ clients: [{ clientId: 'a', scopes: 'read' as unknown as string[] }] }, 'clients[0].scopes'],
    [{ clients: [{ clientId: 'a', grants: ['password' as 'refresh_token'] }] }, 'clients[0].grants'],
    [{ accessTokenTtlMs: -1 }, 'accessTokenTtlMs'],
    [{ refreshTokenTtlMs: Number.POSITIVE_INFINITY }, 'refreshTokenTtlMs'],
    [{ reuseGraceMs: Number.NaN }, 'reuseGraceMs'],
    [{ latencyMs: -5 }, 'latencyMs'],
    [{ singleActiveToken: 'yes' as unknown as boolean }, 'singleActiveToken'],
    [{ rotateRefreshTokens: 1 as unknown as boolean }, 'rotateRefreshTokens'],
    [{ issueRefreshTokens: null as unknown as boolean }, 'issueRefreshTokens'],
    [{ tokenType: '' }, 'tokenType'],
    [{ clientAuthMethods: [] }, 'clientAuthMethods'],
    [{ clientAuthMethods: ['tls_client_auth' as 'client_secret_post'] }, 'clientAuthMethods'],
    [
      { clients: [{ clientId: 'a', redirectUris: 'https://x' as unknown as string[] }] },
      'clients[0].redirectUris',
    ],
    [{ clients: [{ clientId: 'a', jwks: [{}] }] }, 'clients[0].jwks'],
    [{ accessTokenFormat: 'paseto' as 'jwt' }, 'accessTokenFormat'],
    [{ signingAlg: 'HS256' as 'ES256' }, 'signingAlg'],
    [{ issuer: 'auth.example' }, 'issuer'],
    [{ timing: 'fast' as 'exact' }, 'timing'],
    [{ clockSkewMs: Number.NaN }, 'clockSkewMs'],
    [{ latencyJitterMs: -1 }, 'latencyJitterMs'],
    [{ omitExpiresIn: 'yes' as unknown as boolean }, 'omitExpiresIn'],
    [{ now: 5 as unknown as () => number }, 'now'],
    [{ resources: ['orders'] }, 'resources'],
    [{ resources: 'https://api.example' as unknown as string[] }, 'resources'],
  ];
  it.each(cases)('%o throws a TypeError naming "%s"', (override, name) => {
    expect(() => createMockAuthServer({ tokenUrl, clients, ...override })).toThrow(
      expect.objectContaining({ name: 'TypeError', message: expect.stringContaining(`"${name}"`) }),
    );
  });

  it('rejects a misspelt option, naming it and the known ones', () => {
    expect(() => createMockAuthServer({ tokenUrl, clients, accessTokenTTLMs: 1_000 } as never)).toThrow(
      new TypeError(
        'createMockAuthServer: unknown option "accessTokenTTLMs" (known: tokenUrl, clients, accessTokenTtlMs, refreshTokenTtlMs, issueRefreshTokens, rotateRefreshTokens, reuseGraceMs, singleActiveToken, tokenType, clientAuthMethods, latencyMs, now, accessTokenFormat, signingAlg, issuer, timing, clockSkewMs, latencyJitterMs, omitExpiresIn, resources, dpop)',
      ),
    );
  });

  it('accepts a URL object or a path as tokenUrl, and an injected clock', () => {
    expect(createMockAuthServer({ tokenUrl: new URL(tokenUrl), clients }).tokenUrl).toBe(tokenUrl);
    const relative = createMockAuthServer({ tokenUrl: '/oauth/token', clients, now: () => 1_000 });
    expect(relative.tokenUrl).toBe('/oauth/token');
    expect(relative.introspect(relative.issueAccessToken('app'))?.issuedAt).toBe(1_000);
    expect(() => relative.issueAccessToken('ghost')).toThrow(/"clientId"/);
  });

  it('sends the configured token_type and floors expires_in to whole seconds', async () => {
    const custom = createMockAuthServer({ tokenUrl, clients, tokenType: 'bearer', accessTokenTtlMs: 1_999 });
    await server.boundary(async () => {
      server.use(...custom.handlers);
      expect(await (await grant()).json()).toMatchObject({ token_type: 'bearer', expires_in: 1 });
    })();
  });
});
