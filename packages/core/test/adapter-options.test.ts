import { describe, expect, it, vi } from 'vitest';
import {
  createToken,
  formatAuthHeader,
  isAllowedOrigin,
  isRefreshWorthy,
  isReplayableBody,
  resolveAdapterOptions,
} from '../src/index.js';

const API = 'createAuthFetch';

describe('resolveAdapterOptions', () => {
  it('applies the defaults', () => {
    const o = resolveAdapterOptions(API);
    expect(o.origins).toBeUndefined();
    expect([...o.statusCodes]).toEqual([401]);
    expect(o.shouldRefresh).toBeUndefined();
    expect(o.header).toBe('Authorization');
    expect(o.formatHeader).toBe(formatAuthHeader);
  });

  it('normalises origins: a URL keeps only its origin; a list; or "*"', () => {
    expect(resolveAdapterOptions(API, { origins: 'https://api.example.com/v1/users?x=1' }).origins).toEqual([
      'https://api.example.com',
    ]);
    expect(
      resolveAdapterOptions(API, { origins: ['http://localhost:8080/', 'https://a.example'] }).origins,
    ).toEqual(['http://localhost:8080', 'https://a.example']);
    expect(resolveAdapterOptions(API, { origins: '*' }).origins).toBe('*');
  });

  it.each<[string, unknown, string]>([
    ['origins', { origins: 'not a url' }, 'must be an http(s) origin'],
    ['origins', { origins: 'ftp://files.example.com' }, 'must be an http(s) origin'],
    ['origins', { origins: [] }, 'must not be empty'],
    ['origins', { origins: 42 }, 'must be an http(s) origin'],
    ['origins', { origins: ['https://ok.example', 7] }, 'must be an http(s) origin'],
    ['statusCodes', { statusCodes: 401 }, 'must be an array of HTTP status codes'],
    ['statusCodes', { statusCodes: [401, 99] }, 'must be an array of HTTP status codes'],
    ['statusCodes', { statusCodes: [401.5] }, 'must be an array of HTTP status codes'],
    ['shouldRefresh', { shouldRefresh: true }, 'must be a function'],
    ['header', { header: 'Bad Header' }, 'must be a valid HTTP header name'],
    ['header', { header: 12 }, 'must be a valid HTTP header name'],
    ['formatHeader', { formatHeader: 'Bearer' }, 'must be a function'],
  ])('rejects an invalid %s with a TypeError naming it (%j)', (option, options, must) => {
    const resolve = () => resolveAdapterOptions(API, options as never);
    expect(resolve).toThrow(TypeError);
    expect(resolve).toThrow(`${API}: option "${option}" ${must}`);
  });

  it('rejects a non-object', () => {
    expect(() => resolveAdapterOptions(API, null as never)).toThrow(`${API}: options must be an object`);
  });

  it('with requireOrigins, demands origins unless there is a base URL, and says how to pass them', () => {
    expect(() => resolveAdapterOptions(API, {}, { requireOrigins: true })).toThrow(
      `${API}: option "origins" is required: pass origins: 'https://api.example.com'`,
    );
    expect(
      resolveAdapterOptions(API, {}, { requireOrigins: true, baseUrl: 'https://b.example' }).origins,
    ).toBe(undefined);
    expect(resolveAdapterOptions(API, { origins: '*' }, { requireOrigins: true }).origins).toBe('*');
  });

  it('keeps custom statusCodes, header and formatHeader', () => {
    const formatHeader = (token: { accessToken: string }) => `Token ${token.accessToken}`;
    const o = resolveAdapterOptions(API, { statusCodes: [401, 419], header: 'X-Auth', formatHeader });
    expect([...o.statusCodes]).toEqual([401, 419]);
    expect(o.header).toBe('X-Auth');
    expect(o.formatHeader).toBe(formatHeader);
  });
});

describe('formatAuthHeader', () => {
  it('is "<tokenType> <accessToken>"', () => {
    expect(formatAuthHeader(createToken({ accessToken: 'abc', tokenType: 'DPoP' }))).toBe('DPoP abc');
  });
});

describe('isAllowedOrigin', () => {
  it('"*" allows everything; a list allows its origins only', () => {
    expect(isAllowedOrigin('https://anything.example/x', '*')).toBe(true);
    expect(isAllowedOrigin('https://api.example.com/users', ['https://api.example.com'])).toBe(true);
    expect(isAllowedOrigin('https://api.example.com.evil.example/', ['https://api.example.com'])).toBe(false);
    expect(isAllowedOrigin('http://api.example.com/', ['https://api.example.com'])).toBe(false);
  });

  it('without origins, only the base URL origin (relative URLs resolve against it)', () => {
    expect(isAllowedOrigin('/users', undefined, 'https://api.example.com/v1/')).toBe(true);
    expect(isAllowedOrigin(new URL('https://api.example.com/a'), undefined, 'https://api.example.com')).toBe(
      true,
    );
    expect(isAllowedOrigin('https://other.example/', undefined, 'https://api.example.com')).toBe(false);
    expect(isAllowedOrigin('https://api.example.com/', undefined, undefined)).toBe(false);
  });

  it('a URL that cannot be resolved never gets the token', () => {
    expect(isAllowedOrigin('/relative', ['https://api.example.com'])).toBe(false);
    expect(isAllowedOrigin('/relative', undefined, undefined)).toBe(false);
  });
});

describe('isRefreshWorthy', () => {
  const response = { status: 401 };

  it('a status in statusCodes, unless WWW-Authenticate says insufficient_scope', () => {
    const o = resolveAdapterOptions<typeof response>(API);
    expect(isRefreshWorthy(o, response, 401, null)).toBe(true);
    expect(isRefreshWorthy(o, response, 401, 'Bearer error="invalid_token"')).toBe(true);
    expect(isRefreshWorthy(o, response, 401, 'Bearer error="INSUFFICIENT_SCOPE"')).toBe(false);
    expect(isRefreshWorthy(o, response, 403, undefined)).toBe(false);
  });

  it('shouldRefresh replaces the status check', () => {
    const shouldRefresh = vi.fn((r: typeof response) => r.status === 419);
    const o = resolveAdapterOptions(API, { shouldRefresh });
    expect(isRefreshWorthy(o, { status: 419 }, 419, null)).toBe(true);
    expect(isRefreshWorthy(o, response, 401, null)).toBe(false);
    expect(shouldRefresh).toHaveBeenCalledTimes(2);
  });
});

describe('isReplayableBody', () => {
  it('buffers are replayable, streams are not', () => {
    for (const body of [
      'text',
      new ArrayBuffer(2),
      new Uint8Array(2),
      new DataView(new ArrayBuffer(1)),
      new Blob(['x']),
      new FormData(),
      new URLSearchParams('a=1'),
    ]) {
      expect(isReplayableBody(body)).toBe(true);
    }
    for (const body of [new ReadableStream(), undefined, null, { a: 1 }, 42]) {
      expect(isReplayableBody(body)).toBe(false);
    }
  });
});
