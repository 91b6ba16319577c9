/**
 * `followRedirects` / `manualRedirects` (`@tokvault/core/adapter`): redirects followed as fetch
 * follows them, against two real loopback origins, with the token header dropped before a hop
 * off the allowed origins.
 */

import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createLoopbackPair } from '../../testkit/src/index.js';
import {
  followRedirects,
  isAllowedOrigin,
  isRefreshWorthy,
  manualRedirects,
  type RedirectHop,
  type RedirectPolicy,
  redirectSafeFetch,
  resolveAdapterOptions,
} from '../src/adapter.js';
import { createTokenVault } from '../src/index.js';

const pair = createLoopbackPair();
beforeAll(() => pair.start());
afterAll(() => pair.close());
afterEach(() => {
  pair.hits.length = 0;
  vi.unstubAllGlobals();
});

const redirect = (from: string, status: number, to: string) =>
  `${from}/redirect?status=${status}&to=${encodeURIComponent(to)}`;

/** Send `hop` with `redirect: 'manual'` and follow it; only origin A may get `X-Api-Token`. */
async function follow(hop: Omit<RedirectHop, 'headers'> & { headers?: HeadersInit }): Promise<Response> {
  const headers = new Headers({
    'X-Api-Token': 'secret-token',
    Authorization: 'Basic abc',
    DPoP: 'proof',
    ...hop.headers,
  });
  const policy: RedirectPolicy = {
    header: 'X-Api-Token',
    allowed: (url) => isAllowedOrigin(url, [pair.a]),
    send: (url, init) => fetch(url, init),
  };
  const { url, method, body } = hop;
  const first = await fetch(url, { method, headers, body, redirect: 'manual' });
  return followRedirects(first, { url, method, headers, body }, policy);
}

describe('followRedirects', () => {
  it('drops the token header (and Authorization, as fetch does) before a hop to another origin', async () => {
    const response = await follow({
      url: redirect(pair.a, 302, `${pair.b}/echo`),
      method: 'GET',
      body: null,
    });
    expect(response.status).toBe(200);
    expect(response.url).toBe(`${pair.b}/echo`);
    expect(response.redirected).toBe(true);
    const [atA, atB] = pair.hits;
    expect(atA?.headers['x-api-token']).toBe('secret-token');
    expect(atB?.headers).not.toHaveProperty('x-api-token');
    expect(atB?.headers).not.toHaveProperty('authorization');
    expect(atA?.headers.dpop).toBe('proof');
    expect(atB?.headers).not.toHaveProperty('dpop');
  });

  it('keeps every header on a same-origin hop, and follows chains', async () => {
    const url = redirect(pair.a, 301, redirect(pair.a, 308, `${pair.a}/echo`));
    const response = await follow({ url, method: 'GET', body: null });
    expect(response.url).toBe(`${pair.a}/echo`);
    expect(pair.hits.map((hit) => hit.headers['x-api-token'])).toEqual([
      'secret-token',
      'secret-token',
      'secret-token',
    ]);
    expect(pair.hits[2]?.headers.authorization).toBe('Basic abc');
  });

  it.each([
    [303, 'PUT', 'GET', ''],
    [302, 'POST', 'GET', ''],
    [301, 'POST', 'GET', ''],
    [302, 'PUT', 'PUT', 'payload'],
    [307, 'POST', 'POST', 'payload'],
    [308, 'PATCH', 'PATCH', 'payload'],
  ])(
    'a %i answering a %s is followed with %s (fetch method and body rules)',
    async (status, method, next, body) => {
      const headers = { 'Content-Type': 'text/plain' };
      await follow({ url: redirect(pair.a, status, `${pair.b}/echo`), method, body: 'payload', headers });
      const atB = pair.hits[1];
      expect(atB?.method).toBe(next);
      expect(atB?.body).toBe(body);
      expect(atB?.headers['content-type']).toBe(body ? 'text/plain' : undefined);
    },
  );

  it('a FormData body is sent again with a boundary of its own', async () => {
    const form = new FormData();
    form.append('field', 'value');
    await follow({ url: redirect(pair.a, 307, `${pair.a}/echo`), method: 'POST', body: form });
    const [first, second] = pair.hits;
    expect(second?.body).toContain('name="field"');
    const boundary = (hit: typeof first) => /boundary=(\S+)/.exec(hit?.headers['content-type'] ?? '')?.[1];
    expect(second?.body).toContain(boundary(second));
    expect(boundary(second)).not.toBe(boundary(first));
  });

  it('fails as fetch fails: more than 20 redirects, a non-HTTP(S) target, a body that cannot be replayed', async () => {
    await expect(follow({ url: `${pair.a}/loop`, method: 'GET', body: null })).rejects.toThrow(
      new TypeError('fetch failed: more than 20 redirects'),
    );
    expect(pair.hits).toHaveLength(21);
    await expect(
      follow({ url: redirect(pair.a, 302, 'file:///etc/passwd'), method: 'GET', body: null }),
    ).rejects.toThrow(/not HTTP\(S\)/);
    await expect(
      follow({ url: redirect(pair.a, 307, `${pair.a}/echo`), method: 'POST', body: undefined }),
    ).rejects.toThrow(/cannot be replayed/);
  });

  it('returns any other response as is (no Location, not a redirect)', async () => {
    const response = await follow({ url: `${pair.a}/401`, method: 'GET', body: null });
    expect(response.status).toBe(401);
    expect(response.redirected).toBe(false);
  });
});

describe('manualRedirects', () => {
  it("is true for fetch's default mode where code sees redirects (Node), false for other modes", () => {
    expect(manualRedirects(undefined)).toBe(true);
    expect(manualRedirects('follow')).toBe(true);
    expect(manualRedirects('manual')).toBe(false);
    expect(manualRedirects('error')).toBe(false);
  });

  it('is false in a browser page or worker, where a manual redirect is opaque', () => {
    vi.stubGlobal('document', {});
    expect(manualRedirects('follow')).toBe(false);
    vi.unstubAllGlobals();
    vi.stubGlobal('importScripts', () => {});
    expect(manualRedirects(undefined)).toBe(false);
  });
});

describe('isRefreshWorthy after a redirect', () => {
  it('a 401 from a URL outside origins never is, whatever shouldRefresh says', async () => {
    const vault = createTokenVault({ fetchToken: async () => 'opaque' });
    const options = resolveAdapterOptions('test', vault, { origins: 'https://api.example.com' });
    const custom = resolveAdapterOptions('test', vault, {
      origins: 'https://api.example.com',
      shouldRefresh: () => true,
    });
    const at = (url: string) => ({ status: 401, headers: new Headers(), url });
    expect(isRefreshWorthy(options, at('https://api.example.com/me'))).toBe(true);
    expect(isRefreshWorthy(options, at(''))).toBe(true); // no URL known: the request's
    expect(isRefreshWorthy(options, at('https://evil.example.net/me'))).toBe(false);
    expect(isRefreshWorthy(custom, at('https://evil.example.net/me'))).toBe(false);
    const byBase = resolveAdapterOptions('test', vault, {});
    expect(isRefreshWorthy(byBase, at('https://api.example.com/me'), 'https://api.example.com/v1/')).toBe(
      true,
    );
    expect(isRefreshWorthy(byBase, at('https://evil.example.net/me'), 'https://api.example.com/v1/')).toBe(
      false,
    );
    await vault.close();
  });
});

describe('redirectSafeFetch', () => {
  const allowed = (url: string) => isAllowedOrigin(url, [pair.a]);
  const guarded = redirectSafeFetch((input, init) => fetch(input, init), 'X-Api-Token', allowed);

  it('follows the redirects of a request with the header, dropping it off the allowed origins', async () => {
    const response = await guarded(redirect(pair.a, 302, `${pair.b}/echo`), {
      headers: { 'X-Api-Token': 't' },
    });
    expect(response.url).toBe(`${pair.b}/echo`);
    expect(pair.hits.map((hit) => hit.headers['x-api-token'])).toEqual(['t', undefined]);
  });

  it('sends the body of a Request input again on a 307', async () => {
    const input = new Request(redirect(pair.a, 307, `${pair.a}/echo`), {
      method: 'POST',
      body: 'in the request',
      headers: { 'X-Api-Token': 't' },
    });
    expect((await guarded(input)).status).toBe(200);
    expect(pair.hits.map((hit) => [hit.method, hit.body, hit.headers['x-api-token']])).toEqual([
      ['POST', 'in the request', 't'],
      ['POST', 'in the request', 't'],
    ]);
  });

  it('leaves requests without the header, and other redirect modes, to fetch', async () => {
    await guarded(redirect(pair.a, 302, `${pair.b}/echo`), { headers: { Other: 'x' } });
    expect(pair.hits.map((hit) => hit.server)).toEqual(['a', 'b']);
    const manual = await guarded(redirect(pair.a, 302, `${pair.b}/echo`), {
      headers: { 'X-Api-Token': 't' },
      redirect: 'manual',
    });
    expect(manual.status).toBe(302);
    expect(pair.hits).toHaveLength(3);
  });
});
