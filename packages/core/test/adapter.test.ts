/**
 * `@tokvault/core/adapter`: the option parsing and decisions the client adapters share.
 */
import { readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import {
  formatAuthHeader,
  isAllowedOrigin,
  isRefreshWorthy,
  isReplayableBody,
  resolveAdapterOptions,
} from '../src/adapter.js';
import * as main from '../src/index.js';
import { createToken, createTokenVault, type TokenVault, TokVaultError } from '../src/index.js';

const API = 'createAuthFetch';
const PAGE = 'https://app.example.com/app/page.html';
const vault: TokenVault = createTokenVault({ fetchToken: async () => 'opaque' });

/** Run with `globalThis.location` set to `href` (a browser page). */
function onPage(href = PAGE): void {
  vi.stubGlobal('location', new URL(href));
}

afterEach(() => {
  vi.unstubAllGlobals();
});
afterAll(() => vault.close());

describe('the subpath', () => {
  it('is exported as @tokvault/core/adapter, shaped like ./oauth2; the main entry no longer has it', () => {
    const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
    const shape = (entry: string) => JSON.stringify(manifest.exports[`./${entry}`]).replaceAll(entry, 'X');
    expect(shape('adapter')).toBe(shape('oauth2'));
    expect(manifest.scripts.build).toContain('src/adapter.ts');
    for (const name of ['resolveAdapterOptions', 'isAllowedOrigin', 'isRefreshWorthy', 'isReplayableBody']) {
      expect(main).not.toHaveProperty(name);
    }
  });
});

describe('resolveAdapterOptions', () => {
  it('applies the defaults', () => {
    const o = resolveAdapterOptions(API, vault);
    expect(o.origins).toBeUndefined();
    expect([...o.statusCodes]).toEqual([401]);
    expect(o.shouldRefresh).toBeUndefined();
    expect(o.header).toBe('Authorization');
    const token = { tokenType: 'Bearer', accessToken: 'abc' } as never;
    expect(o.formatHeader(token)).toBe(formatAuthHeader(token));
  });

  it('normalises origins: a URL keeps only its origin; a list; or "*"', () => {
    expect(
      resolveAdapterOptions(API, vault, { origins: 'https://api.example.com/v1/users?x=1' }).origins,
    ).toEqual(['https://api.example.com']);
    expect(
      resolveAdapterOptions(API, vault, { origins: ['http://localhost:8080/', 'https://a.example'] }).origins,
    ).toEqual(['http://localhost:8080', 'https://a.example']);
    expect(resolveAdapterOptions(API, vault, { origins: '*' }).origins).toBe('*');
  });

  it.each<[string, unknown, string]>([
    ['origins', { origins: 'not a url' }, 'must be an http(s) origin'],
    ['origins', { origins: 'ftp://files.example.com' }, 'must be an http(s) origin'],
    ['origins', { origins: [] }, 'must be an http(s) origin'],
    ['origins', { origins: 42 }, 'must be an http(s) origin'],
    ['origins', { origins: ['https://ok.example', 7] }, 'must be an http(s) origin'],
    ['statusCodes', { statusCodes: 401 }, 'must be an array of HTTP status codes'],
    ['statusCodes', { statusCodes: [401, 99] }, 'must be an array of HTTP status codes'],
    ['statusCodes', { statusCodes: [401, 600] }, 'must be an array of HTTP status codes'],
    ['statusCodes', { statusCodes: [401.5] }, 'must be an array of HTTP status codes'],
    ['shouldRefresh', { shouldRefresh: true }, 'must be a function'],
    ['header', { header: 'Bad Header' }, 'must be a valid HTTP header name'],
    ['header', { header: '' }, 'must be a valid HTTP header name'],
    ['header', { header: 12 }, 'must be a valid HTTP header name'],
    ['formatHeader', { formatHeader: 'Bearer' }, 'must be a function'],
  ])('rejects an invalid %s with a TypeError naming it (%j)', (option, options, must) => {
    const resolve = () => resolveAdapterOptions(API, vault, options as never);
    expect(resolve).toThrow(TypeError);
    expect(resolve).toThrow(`${API}: option "${option}" ${must}`);
  });

  it('rejects a misspelt or unknown option, naming it and the known ones', () => {
    expect(() => resolveAdapterOptions('api', vault, { orgins: 'https://api.example.com' } as never)).toThrow(
      new TypeError(
        'api: unknown option "orgins" (known: origins, statusCodes, shouldRefresh, header, formatHeader)',
      ),
    );
    expect(() => resolveAdapterOptions('api', vault, { statusCode: [419] } as never)).toThrow(/"statusCode"/);
  });

  it('rejects options that are not an object', () => {
    for (const [options, type] of [
      [null, 'null'],
      ['origins', 'string'],
    ]) {
      expect(() => resolveAdapterOptions(API, vault, options as never)).toThrow(
        new TypeError(`${API}: options must be an object (got ${type})`),
      );
    }
  });

  it('rejects a missing or foreign vault with a TypeError naming "vault"', () => {
    for (const bad of [undefined, null, {}, { getToken: () => undefined }, { refresh: () => undefined }]) {
      expect(() => resolveAdapterOptions(API, bad as never)).toThrow(
        new TypeError(`${API}: "vault" must be a TokenVault from createTokenVault()`),
      );
    }
  });

  it("knows exactly the adapter's own options: `fetch` only where the adapter declares it", () => {
    const fetch = globalThis.fetch;
    expect(() => resolveAdapterOptions('api', vault, { fetch } as never)).toThrow(
      new TypeError(
        'api: unknown option "fetch" (known: origins, statusCodes, shouldRefresh, header, formatHeader)',
      ),
    );
    const ownOptions = { fetch: [(value: unknown) => typeof value === 'function', 'a function'] as const };
    expect(() => resolveAdapterOptions(API, vault, { fetch } as never, { ownOptions })).not.toThrow();
    expect(() => resolveAdapterOptions(API, vault, { fetch: 'fetch' } as never, { ownOptions })).toThrow(
      new TypeError(`${API}: option "fetch" must be a function (got string)`),
    );
  });

  it('accepts functions for shouldRefresh and formatHeader; keeps custom statusCodes and header', () => {
    const formatHeader = (token: { accessToken: string }) => `Token ${token.accessToken}`;
    const shouldRefresh = () => true;
    const o = resolveAdapterOptions(API, vault, {
      statusCodes: [401, 419],
      header: 'X-Auth',
      formatHeader,
      shouldRefresh,
    } as never);
    expect([...o.statusCodes]).toEqual([401, 419]);
    expect(o.header).toBe('X-Auth');
    expect(o.formatHeader({ accessToken: 'abc' } as never)).toBe('Token abc');
    expect(o.shouldRefresh).toBe(shouldRefresh);
  });

  it('checks what formatHeader returns: an invalid header value throws a TokVaultError naming it, without the value', () => {
    const cases: [string, RegExp][] = [
      ['Bearer abc\r\nX-Evil: 1', /CR, LF or NUL/],
      ['Bearer abc\0', /CR, LF or NUL/],
      ['Bearer abc\u0007', /control or non-ASCII/],
      ['Bearer abcé', /control or non-ASCII/],
      ['', /\(empty\)/],
      [' Bearer abc', /\(whitespace\)/],
    ];
    for (const [value, reason] of cases) {
      const o = resolveAdapterOptions(API, vault, { formatHeader: () => value });
      let caught: unknown;
      try {
        o.formatHeader({ accessToken: 'abc' } as never);
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(TokVaultError);
      expect((caught as Error).message).toMatch(
        /^createAuthFetch: option "formatHeader" returned .*not a valid header value/,
      );
      expect((caught as Error).message).toMatch(reason);
      expect((caught as Error).message).not.toContain('abc');
    }
    const tabbed = resolveAdapterOptions(API, vault, { formatHeader: () => 'Token a\tb c' });
    expect(tabbed.formatHeader({} as never)).toBe('Token a\tb c');
  });

  describe('base URL', () => {
    it("an absolute base URL (string or URL) gives the default origins: the base's origin", () => {
      expect(
        resolveAdapterOptions(API, vault, {}, { baseUrl: 'https://api.example.com/v1/' }).origins,
      ).toEqual(['https://api.example.com']);
      expect(
        resolveAdapterOptions(API, vault, {}, { baseUrl: new URL('http://localhost:3000/x') }).origins,
      ).toEqual(['http://localhost:3000']);
    });

    it('explicit origins replace the base URL default', () => {
      const o = resolveAdapterOptions(
        API,
        vault,
        { origins: 'https://other.example' },
        { baseUrl: 'https://api.example.com' },
      );
      expect(o.origins).toEqual(['https://other.example']);
    });

    it("a relative base URL ('/api') resolves against the page: the token goes to the page's origin", () => {
      onPage();
      const o = resolveAdapterOptions(API, vault, {}, { requireOrigins: true, baseUrl: '/api' });
      expect(o.origins).toEqual(['https://app.example.com']);
      // the bug this fixes: '/api' satisfied requireOrigins, yet no URL was ever allowed
      expect(isAllowedOrigin('/api/users', o.origins)).toBe(true);
      expect(isAllowedOrigin('https://app.example.com/api/users', o.origins)).toBe(true);
      expect(isAllowedOrigin('https://other.example/api/users', o.origins)).toBe(false);
    });

    it('a base URL that cannot be resolved counts as none', () => {
      for (const baseUrl of ['/api', 'http://', '']) {
        expect(resolveAdapterOptions(API, vault, {}, { baseUrl }).origins).toBeUndefined();
        expect(() => resolveAdapterOptions(API, vault, {}, { requireOrigins: true, baseUrl })).toThrow(
          /option "origins" is required/,
        );
      }
    });
  });

  it('with requireOrigins, demands origins unless there is a base URL, and says how to pass them', () => {
    expect(() => resolveAdapterOptions(API, vault, {}, { requireOrigins: true })).toThrow(
      new TypeError(
        `${API}: option "origins" is required: pass origins: 'https://api.example.com' (or a list, or '*' for every origin)`,
      ),
    );
    expect(resolveAdapterOptions(API, vault, { origins: '*' }, { requireOrigins: true }).origins).toBe('*');
    expect(
      resolveAdapterOptions(API, vault, { origins: ['https://a.example'] }, { requireOrigins: true }).origins,
    ).toEqual(['https://a.example']);
  });
});

describe('formatAuthHeader', () => {
  it('is "<tokenType> <accessToken>"', () => {
    expect(formatAuthHeader(createToken({ accessToken: 'abc', tokenType: 'DPoP' }))).toBe('DPoP abc');
  });
});

describe('isAllowedOrigin', () => {
  it('"*" allows everything, even what cannot be parsed', () => {
    expect(isAllowedOrigin('https://anything.example/x', '*')).toBe(true);
    expect(isAllowedOrigin('/relative', '*')).toBe(true);
  });

  it('a list allows exactly its origins (scheme, host and port)', () => {
    const origins = ['https://api.example.com'];
    expect(isAllowedOrigin('https://api.example.com/users', origins)).toBe(true);
    expect(isAllowedOrigin(new URL('https://api.example.com/users'), origins)).toBe(true);
    expect(isAllowedOrigin('https://api.example.com.evil.example/', origins)).toBe(false);
    expect(isAllowedOrigin('http://api.example.com/', origins)).toBe(false);
    expect(isAllowedOrigin('https://api.example.com:8443/', origins)).toBe(false);
  });

  it('without origins, only the base URL origin; relative URLs resolve against the base', () => {
    expect(isAllowedOrigin('/users', undefined, 'https://api.example.com/v1/')).toBe(true);
    expect(
      isAllowedOrigin(new URL('https://api.example.com/a'), undefined, new URL('https://api.example.com')),
    ).toBe(true);
    expect(isAllowedOrigin('https://other.example/', undefined, 'https://api.example.com')).toBe(false);
    expect(isAllowedOrigin('https://api.example.com/', undefined, undefined)).toBe(false);
    expect(isAllowedOrigin('users', ['https://api.example.com'], 'https://api.example.com/v1/')).toBe(true);
  });

  it('a relative base resolves against the page', () => {
    onPage();
    expect(isAllowedOrigin('https://app.example.com/api/x', undefined, '/api/')).toBe(true);
    expect(isAllowedOrigin('https://other.example/api/x', undefined, '/api/')).toBe(false);
  });

  it('relative URLs without a base resolve against the page; with no page they never get the token', () => {
    expect(isAllowedOrigin('/relative', ['https://app.example.com'])).toBe(false);
    expect(isAllowedOrigin('/relative', undefined, undefined)).toBe(false);
    expect(isAllowedOrigin('https://api.example.com/x', undefined, '/relative-base')).toBe(false);
    onPage();
    expect(isAllowedOrigin('/relative', ['https://app.example.com'])).toBe(true);
    expect(isAllowedOrigin('/relative', undefined, undefined)).toBe(false); // no base, no origins
  });
  it('the string fast path cannot be fooled by look-alike hosts, userinfo or ports', () => {
    const origins = ['https://api.example.com'];
    expect(isAllowedOrigin('https://api.example.com@evil.example/', origins)).toBe(false);
    expect(isAllowedOrigin('https://api.example.com.evil.example/x', origins)).toBe(false);
    expect(isAllowedOrigin('https://api.example.com:8443/x', origins)).toBe(false);
    expect(isAllowedOrigin('https://api.example.com:443/x', origins)).toBe(true);
    expect(
      isAllowedOrigin('https://api.example.com.evil.example/x', undefined, 'https://api.example.com/v1/'),
    ).toBe(false);
  });

  it('an opaque origin (file:, data:) never matches, even against an opaque base', () => {
    expect(isAllowedOrigin('null/x', undefined, 'file:///a')).toBe(false);
    expect(isAllowedOrigin('data:text/plain,hi', undefined, 'data:text/plain,base')).toBe(false);
  });
});

describe('isRefreshWorthy', () => {
  const o = resolveAdapterOptions<{ status: number; headers?: unknown }>(API, vault);
  const challenge = (value: string) => new Headers({ 'WWW-Authenticate': value });

  it('a status in statusCodes, unless WWW-Authenticate says insufficient_scope (fetch Headers)', () => {
    expect(isRefreshWorthy(o, new Response(null, { status: 401 }))).toBe(true);
    expect(isRefreshWorthy(o, { status: 401, headers: challenge('Bearer error="invalid_token"') })).toBe(
      true,
    );
    expect(isRefreshWorthy(o, { status: 401, headers: challenge('Bearer error="INSUFFICIENT_SCOPE"') })).toBe(
      false,
    );
    expect(isRefreshWorthy(o, new Response(null, { status: 403 }))).toBe(false);
    expect(isRefreshWorthy(o, new Response(null, { status: 200 }))).toBe(false);
  });

  it('reads plain header objects (lower-case keys) and responses without headers', () => {
    expect(
      isRefreshWorthy(o, {
        status: 401,
        headers: { 'www-authenticate': 'Bearer error="insufficient_scope"' },
      }),
    ).toBe(false);
    expect(isRefreshWorthy(o, { status: 401, headers: { 'content-type': 'text/plain' } })).toBe(true);
    expect(isRefreshWorthy(o, { status: 401 })).toBe(true);
    expect(isRefreshWorthy(o, { status: 401, headers: null })).toBe(true);
  });

  it('uses custom statusCodes', () => {
    const custom = resolveAdapterOptions<Response>(API, vault, { statusCodes: [419] });
    expect(isRefreshWorthy(custom, new Response(null, { status: 419 }))).toBe(true);
    expect(isRefreshWorthy(custom, new Response(null, { status: 401 }))).toBe(false);
  });

  it('shouldRefresh replaces the status and insufficient_scope checks', () => {
    const shouldRefresh = vi.fn((response: Response) => response.status === 419);
    const custom = resolveAdapterOptions(API, vault, { shouldRefresh });
    expect(isRefreshWorthy(custom, new Response(null, { status: 419 }))).toBe(true);
    expect(isRefreshWorthy(custom, new Response(null, { status: 401 }))).toBe(false);
    expect(shouldRefresh).toHaveBeenCalledTimes(2);
  });
});

describe('isReplayableBody', () => {
  it('no body, strings, buffers, forms and plain objects are replayable', () => {
    for (const body of [
      undefined,
      null,
      'text',
      42,
      { a: 1 },
      new ArrayBuffer(2),
      new Uint8Array(2),
      Buffer.from('x'),
      new DataView(new ArrayBuffer(1)),
      new Blob(['x']),
      new FormData(),
      new URLSearchParams('a=1'),
    ]) {
      expect(isReplayableBody(body)).toBe(true);
    }
  });

  it('streams and async iterables are consumed by the first send', () => {
    async function* chunks() {
      yield 'a';
    }
    for (const body of [
      new ReadableStream(),
      new Blob(['x']).stream(),
      Readable.from(['a']),
      chunks(),
      { pipe: () => undefined }, // the `form-data` package
    ]) {
      expect(isReplayableBody(body)).toBe(false);
    }
  });
});
