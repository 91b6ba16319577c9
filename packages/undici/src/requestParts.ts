/**
 * The parts of an undici dispatch the interceptor rewrites: the headers (any of undici's
 * forms, flattened) and the body (kept, so the one retry after a refresh can send it again).
 */
import type { AdapterOptions } from '@tokvault/core/adapter';
import type { Dispatcher } from 'undici';

/**
 * The largest request body (in bytes) that is kept in memory so that it can be sent again
 * after a refresh, when the client hands undici a one-shot body (`fetch` always does). A
 * larger body, or a stream without a `Content-Length`, is sent once and never retried.
 */
export const REPLAY_LIMIT_BYTES = 1024 * 1024;

type HeaderValue = string | string[] | number | undefined | null;
/** Headers as a flat list: name, value, name, value, … */
export type FlatHeaders = unknown[];

/** Flatten any of undici's header forms (object, flat array, array or iterable of pairs). */
export function flattenHeaders(
  headers: Dispatcher.DispatchOptions['headers'] | null | undefined,
): FlatHeaders {
  if (headers == null) return [];
  if (Array.isArray(headers)) return Array.isArray(headers[0]) ? headers.flat() : [...headers];
  if (typeof (headers as Iterable<unknown>)[Symbol.iterator] === 'function') {
    return [...(headers as Iterable<[string, HeaderValue]>)].flat();
  }
  return Object.entries(headers as Record<string, HeaderValue>).flat();
}

/** The value of header `name` (lower case) in `flat`, if present. */
export function headerValue(flat: FlatHeaders, name: string): unknown {
  for (let i = 0; i < flat.length; i += 2) {
    if (String(flat[i]).toLowerCase() === name && flat[i + 1] != null) return flat[i + 1];
  }
  return undefined;
}

/** A body, and whether it can be sent a second time. */
export interface PreparedBody {
  body: unknown;
  replayable: boolean;
}

const isStream = (body: object): boolean =>
  typeof (body as { pipe?: unknown }).pipe === 'function' ||
  typeof (body as { getReader?: unknown }).getReader === 'function';

/**
 * `body` as it is sent, when nothing has to be read first (everything but a one-shot async
 * iterable): `undefined` for a body {@link prepareBody} must read.
 */
export function bodyAsIs(body: unknown): PreparedBody | undefined {
  if (body == null || typeof body !== 'object') return { body, replayable: true };
  const stream = isStream(body);
  if (stream || typeof (body as Partial<AsyncIterable<unknown>>)[Symbol.asyncIterator] !== 'function') {
    return { body, replayable: !stream };
  }
  return undefined;
}

/**
 * Make `body` sendable twice when possible. Strings, bytes, `Blob` and `FormData` already are.
 * A Node or web stream is not (it is sent once, as is). A one-shot async iterable (what
 * `fetch` hands the dispatcher for EVERY body) is read into memory when its `Content-Length`
 * says it fits in {@link REPLAY_LIMIT_BYTES}; one without a length (a `fetch` stream body) or
 * a larger one is sent once as is.
 */
export async function prepareBody(body: unknown, headers: FlatHeaders): Promise<PreparedBody> {
  const asIs = bodyAsIs(body);
  if (asIs) return asIs;
  const iterate = (body as AsyncIterable<Uint8Array>)[Symbol.asyncIterator];
  const length = Number(headerValue(headers, 'content-length') ?? Number.NaN);
  if (!(length <= REPLAY_LIMIT_BYTES)) return { body, replayable: false };
  const iterator = iterate.call(body);
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (let next = await iterator.next(); !next.done; next = await iterator.next()) {
    chunks.push(next.value);
    size += next.value.byteLength;
    if (size > REPLAY_LIMIT_BYTES) {
      // Longer than it said: send what was read and the rest, once.
      const rest = { [Symbol.asyncIterator]: () => iterator };
      return {
        body: (async function* () {
          yield* chunks;
          yield* rest;
        })(),
        replayable: false,
      };
    }
  }
  return { body: Buffer.concat(chunks), replayable: true };
}

/**
 * What `shouldRefresh` receives: the status and headers (lower-case names) of a response.
 *
 * @example
 * ```ts
 * const shouldRefresh = (response: InterceptedResponse) => response.headers['x-token-expired'] === '1';
 * ```
 */
export interface InterceptedResponse {
  /** HTTP status code. */
  readonly status: number;
  /** Response headers, lower-case names, as undici reports them. */
  readonly headers: Record<string, string | string[] | undefined>;
}

/**
 * Options of `tokenVaultInterceptor`: the shared adapter options. `origins` is required
 * (a dispatcher has no base URL).
 *
 * @example
 * ```ts
 * const options: TokenVaultInterceptorOptions = { origins: 'https://api.example.com' };
 * ```
 */
export type TokenVaultInterceptorOptions = AdapterOptions<InterceptedResponse>;
