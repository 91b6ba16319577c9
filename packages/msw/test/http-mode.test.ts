import { HttpResponse, http } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMockAuthServer, type MockAuthServer, type MockAuthServerOptions } from '../src/index.js';
import { getWith, postToken } from './helpers.js';

const options: MockAuthServerOptions = {
  tokenUrl: 'https://auth.example.test/oauth/token',
  clients: [{ clientId: 'app', clientSecret: 's3cret', scopes: ['read'] }],
  issueRefreshTokens: true,
};
const app = { id: 'app', secret: 's3cret' };

function apiHandlers(auth: MockAuthServer, base: string) {
  return [
    http.get(
      `${base}/api/me`,
      auth.protect(({ auth: info }) => HttpResponse.json({ client: info.clientId })),
    ),
    http.get(
      `${base}/api/admin`,
      auth.protect(() => HttpResponse.json({}), { scopes: ['admin'] }),
    ),
  ];
}

/** One scenario touching every path; returns a transcript with tokens replaced by placeholders. */
async function transcript(auth: MockAuthServer, tokenUrl: string, apiBase: string) {
  const names = new Map<string, string>();
  const entries: unknown[] = [];
  async function record(res: Response) {
    const text = await res.text();
    const body = text.replace(/mock_(at|rt)_[0-9a-f]+/g, (token) => {
      if (!names.has(token)) names.set(token, `<token ${names.size}>`);
      return names.get(token)!;
    });
    // The Basic realm is the issuer: the origin each mode was reached at.
    const issuer = new URL(tokenUrl).origin;
    const headers = ['content-type', 'cache-control', 'pragma', 'www-authenticate', 'retry-after'].map((h) =>
      res.headers.get(h)?.replaceAll(issuer, '<issuer>'),
    );
    entries.push({ status: res.status, headers, body });
    return text === '' ? {} : JSON.parse(text);
  }
  const first = await record(await postToken(tokenUrl, { grant_type: 'client_credentials' }, app));
  await record(
    await postToken(tokenUrl, { grant_type: 'client_credentials' }, { id: 'app', secret: 'nope' }),
  );
  await record(
    await fetch(tokenUrl, { method: 'POST', body: '{}', headers: { 'Content-Type': 'application/json' } }),
  );
  await record(await postToken(tokenUrl, { grant_type: 'password' }, app));
  await record(await postToken(tokenUrl, { grant_type: 'client_credentials', scope: 'admin' }, app));
  const second = await record(
    await postToken(tokenUrl, { grant_type: 'refresh_token', refresh_token: first.refresh_token }, app),
  );
  await record(await getWith(`${apiBase}/api/me`, second.access_token));
  await record(
    await postToken(tokenUrl, { grant_type: 'refresh_token', refresh_token: first.refresh_token }, app),
  );
  await record(await getWith(`${apiBase}/api/me`, second.access_token));
  auth.failNext(1, { status: 429, retryAfter: 3 });
  await record(await postToken(tokenUrl, { grant_type: 'client_credentials' }, app));
  const third = await record(await postToken(tokenUrl, { grant_type: 'client_credentials' }, app));
  await record(await getWith(`${apiBase}/api/me`));
  await record(await getWith(`${apiBase}/api/admin`, third.access_token));
  auth.expireAll();
  await record(await getWith(`${apiBase}/api/me`, third.access_token));
  return { entries, stats: structuredClone(auth.stats) };
}

describe('HTTP mode', () => {
  const viaMsw = createMockAuthServer(options);
  const server = setupServer(...viaMsw.handlers, ...apiHandlers(viaMsw, 'https://api.example.test'));
  // Loopback requests to the real HTTP server must pass through MSW.
  beforeAll(() => server.listen({ onUnhandledFrame: 'bypass' }));
  afterAll(() => server.close());

  it('answers exactly as the MSW handlers do, and counts the same', async () => {
    const viaHttp = createMockAuthServer(options);
    await using listening = await viaHttp.listen({ handlers: apiHandlers(viaHttp, '') });
    expect(listening.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(listening.tokenUrl).toBe(`${listening.url}/oauth/token`);
    const expected = await transcript(viaMsw, String(options.tokenUrl), 'https://api.example.test');
    const actual = await transcript(viaHttp, listening.tokenUrl, listening.url);
    expect(actual).toEqual(expected);
    expect(expected.entries).toHaveLength(14);
    expect(expected.stats).toMatchObject({ tokenRequests: 9, reuseDetections: 1, rejectedApiRequests: 4 });
  });
});

describe('listen()', () => {
  it('serves the token path only for POST (a plain 404 otherwise, as oidc-provider) and 404s unknown paths', async () => {
    const auth = createMockAuthServer(options);
    await using listening = await auth.listen();
    const get = await fetch(listening.tokenUrl);
    expect(get.status).toBe(404);
    expect([get.headers.get('Content-Type'), await get.text()]).toEqual([
      'text/plain; charset=utf-8',
      'Not Found',
    ]);
    expect((await fetch(`${listening.url}/nowhere`)).status).toBe(404);
  });

  it('destroys the socket for an injected network error', async () => {
    const auth = createMockAuthServer(options);
    await using listening = await auth.listen();
    auth.failNext(1, { networkError: true });
    await expect(postToken(listening.tokenUrl, { grant_type: 'client_credentials' }, app)).rejects.toThrow(
      TypeError,
    );
    expect((await postToken(listening.tokenUrl, { grant_type: 'client_credentials' }, app)).status).toBe(200);
  });

  it('shares state with the handlers and closes open keep-alive connections (idempotent)', async () => {
    const auth = createMockAuthServer(options);
    const listening = await auth.listen({ port: 0, host: '127.0.0.1' });
    const token = auth.issueAccessToken('app');
    const res = await postToken(listening.tokenUrl, { grant_type: 'client_credentials' }, app);
    expect(res.status).toBe(200);
    expect(auth.stats.tokenRequests).toBe(1);
    expect(auth.introspect(token)?.status).toBe('active');
    await Promise.all([listening.close(), listening.close()]);
    await expect(fetch(listening.tokenUrl, { method: 'POST' })).rejects.toThrow(TypeError);
  });

  it('answers CORS preflights and echoes the Origin (unless cors: false)', async () => {
    const auth = createMockAuthServer(options);
    await using listening = await auth.listen();
    const origin = 'http://localhost:5173';
    const pre = await fetch(listening.tokenUrl, {
      method: 'OPTIONS',
      headers: {
        Origin: origin,
        'Access-Control-Request-Method': 'POST',
        'Access-Control-Request-Headers': 'authorization',
      },
    });
    expect([
      pre.status,
      pre.headers.get('Access-Control-Allow-Origin'),
      pre.headers.get('Access-Control-Allow-Headers'),
    ]).toEqual([204, origin, 'authorization']);
    const res = await fetch(listening.tokenUrl, {
      method: 'POST',
      headers: { Origin: origin, 'Content-Type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=client_credentials&client_id=app&client_secret=s3cret',
    });
    expect([res.status, res.headers.get('Access-Control-Allow-Origin')]).toEqual([200, origin]);
    expect(res.headers.get('Access-Control-Expose-Headers')).toContain('WWW-Authenticate');

    await using strict = await auth.listen({ cors: false });
    const plain = await fetch(`${strict.url}/nowhere`, { headers: { Origin: origin } });
    expect([plain.status, plain.headers.get('Access-Control-Allow-Origin')]).toEqual([404, null]);
  });

  it('validates its options', async () => {
    const auth = createMockAuthServer(options);
    await expect(auth.listen({ port: -1 })).rejects.toThrow(/"port"/);
    await expect(auth.listen({ host: '' })).rejects.toThrow(/"host"/);
    await expect(auth.listen({ handlers: {} as never })).rejects.toThrow(/"handlers"/);
    await expect(auth.listen({ cors: 'yes' as never })).rejects.toThrow(/"cors"/);
  });

  it('rejects a misspelt option, naming it and the known ones', async () => {
    const auth = createMockAuthServer(options);
    await expect(auth.listen({ hostname: 'localhost' } as never)).rejects.toThrow(
      new TypeError('listen: unknown option "hostname" (known: port, host, handlers, cors)'),
    );
  });
});
