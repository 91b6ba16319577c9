/**
 * The one resend after a refresh, made below the app's interceptors: the caller-visible
 * request already went through every request interceptor, and its result goes through the
 * response interceptors registered after ours once, as without a refresh.
 */
import type { Token } from '@tokvault/core';
import { authorize, type ResolvedAdapterOptions } from '@tokvault/core/adapter';
import {
  AxiosHeaders,
  type AxiosInstance,
  type AxiosResponse,
  getAdapter,
  type InternalAxiosRequestConfig,
  isCancel,
} from 'axios';

/** `response` with `config.transformResponse` applied, as axios's `dispatchRequest` does it. */
function transformed(config: InternalAxiosRequestConfig, response: AxiosResponse): AxiosResponse {
  const headers = AxiosHeaders.from(response.headers as AxiosHeaders);
  for (const transform of [config.transformResponse ?? []].flat()) {
    response.data = transform.call(config, response.data, headers.normalize(false), response.status);
  }
  response.headers = headers;
  return response;
}

/**
 * Send `config` (as the adapter got it the first time: every request interceptor applied,
 * `transformRequest` done, with a new token header) straight through the instance's adapter,
 * apply `transformResponse`, then the response interceptors registered BEFORE ours (they sit
 * between us and the wire, so they see every wire response). The caller's chain then goes on
 * with the interceptors registered after ours, once.
 *
 * @param ours - our response interceptor's rejection handler, which marks where ours sits.
 */
export function resendBelow(
  instance: AxiosInstance,
  ours: (error: never) => unknown,
  config: InternalAxiosRequestConfig,
): Promise<AxiosResponse> {
  const adapter = getAdapter(config.adapter ?? instance.defaults.adapter, config);
  let result = adapter(config).then(
    (response) => transformed(config, response),
    (reason: { response?: AxiosResponse }) => {
      if (!isCancel(reason) && reason?.response) transformed(config, reason.response);
      throw reason;
    },
  );
  for (const handler of instance.interceptors.response.handlers ?? []) {
    if (handler?.rejected === ours) break;
    if (handler) result = result.then(handler.fulfilled, handler.rejected);
  }
  return result;
}

/** A request config with the adapter's bookkeeping. */
type Target = Pick<InternalAxiosRequestConfig, 'baseURL' | 'url' | 'allowAbsoluteUrls' | 'signal'>;

/** axios's own test for an absolute request URL (`scheme://` or `//`), as in its `buildFullPath`. */
const ABSOLUTE_URL = /^([a-z][a-z\d+\-.]*:)?\/\//i;

/**
 * Where axios sends `config`, as `instance.getUri(config)` builds it but without the query
 * (which never changes the origin). Request interceptors get a config already merged with the
 * defaults, so this skips the second `mergeConfig` of `getUri` (most of our per-request cost).
 */
export const targetOf = ({ baseURL, url = '', allowAbsoluteUrls }: Target): string =>
  baseURL && (!ABSOLUTE_URL.test(url) || allowAbsoluteUrls === false)
    ? `${baseURL.replace(/\/+$/, '')}/${url.replace(/^\/+/, '')}`
    : url;

/** The request's own signal, if it is one that vault calls can listen to. */
export const signalOf = ({ signal }: Target) =>
  signal?.addEventListener ? (signal as AbortSignal) : undefined;

/**
 * `config`'s headers with the token's (a DPoP token: with a proof for the request's method and
 * URL); synchronous unless a proof is signed.
 */
export function authorized<R>(
  o: ResolvedAdapterOptions<R>,
  config: InternalAxiosRequestConfig,
  token: Token,
): AxiosHeaders | Promise<AxiosHeaders> {
  const headers = AxiosHeaders.from(config.headers);
  const url = o.dpop ? new URL(targetOf(config), globalThis.location?.href).href : '';
  const method = (config.method ?? 'get').toUpperCase();
  const proof = authorize(o, token, method, url, (name, value) => headers.set(name, value));
  return proof ? proof.then(() => headers) : headers;
}
