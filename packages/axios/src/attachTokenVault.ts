/**
 * axios interceptors: inject the vault's token, and after a refresh-worthy response refresh
 * once (coalesced in the vault) and resend once through the same instance.
 */
import {
  type AdapterOptions,
  isAllowedOrigin,
  isRefreshWorthy,
  resolveAdapterOptions,
  type Token,
  type TokenVault,
} from '@tokvault/core';
import {
  AxiosHeaders,
  type AxiosInstance,
  type AxiosResponse,
  CanceledError,
  type InternalAxiosRequestConfig,
  isAxiosError,
  isCancel,
} from 'axios';
import { refreshFailure } from './refreshFailure.js';
import { isReplayable, recordState, resendConfig, stateOf } from './requestState.js';

declare module 'axios' {
  interface AxiosRequestConfig {
    /**
     * `false` sends this request without a token and never refreshes or retries it, e.g. the
     * token request of a `fetchToken` that uses the same instance. `true` or `undefined`
     * applies the normal rules (it does not override `origins`).
     * @default undefined
     * @example
     * ```ts
     * await api.post('/oauth/token', form, { tokenVault: false });
     * ```
     */
    tokenVault?: boolean | undefined;
  }
}

/**
 * Options of {@link attachTokenVault}: the shared adapter options, with axios responses.
 *
 * @example
 * ```ts
 * const options: AttachTokenVaultOptions = { origins: ['https://api.example.com'], statusCodes: [401] };
 * ```
 */
export interface AttachTokenVaultOptions extends AdapterOptions<AxiosResponse> {}

const API = 'attachTokenVault';

/** Full request URL as axios builds it (`baseURL` + relative `url`). */
function requestUrl(config: InternalAxiosRequestConfig): string {
  const url = config.url ?? '';
  const base = config.baseURL;
  const absolute = /^([a-z][a-z\d+\-.]*:)?\/\//i.test(url);
  if (!base || (absolute && config.allowAbsoluteUrls !== false)) return url;
  return url ? `${base.replace(/\/+$/, '')}/${url.replace(/^\/+/, '')}` : base;
}

/** `baseURL` as an absolute URL; a relative one (`/api`, browsers) resolves against the page. */
function absoluteBase(base: string | undefined): string | undefined {
  if (!base) return undefined;
  try {
    return new URL(base, globalThis.location?.href).href;
  } catch {
    return undefined; // relative, and no page to resolve it against: `origins` is required
  }
}

function toSignal(config: InternalAxiosRequestConfig): AbortSignal | undefined {
  const { signal } = config;
  return signal && typeof signal.addEventListener === 'function' ? (signal as AbortSignal) : undefined;
}

/** The `WWW-Authenticate` challenge of a response (dispatchRequest made its headers AxiosHeaders). */
function challengeOf(response: AxiosResponse): string | undefined {
  const value = AxiosHeaders.from(response.headers as AxiosHeaders).get('www-authenticate');
  return typeof value === 'string' ? value : undefined;
}

/** Turn an abort of the request's own signal into axios's `CanceledError`. */
function cancelled(config: InternalAxiosRequestConfig, error: unknown): unknown {
  return config.signal?.aborted ? new CanceledError(undefined, config) : error;
}

/**
 * Attach a token vault to an axios instance. Each request to an allowed origin awaits
 * `vault.getToken()` and carries the token in `header`. A response that axios rejects with a
 * status in `statusCodes` (default `[401]`; never for `WWW-Authenticate: … insufficient_scope`)
 * triggers `vault.refresh({ staleToken })` — one coalesced refresh for all requests, instances
 * and callers of the vault, and none at all if the token was already replaced — and the request
 * is resent ONCE with the new token. A second rejection reaches the caller as the normal
 * `AxiosError`; a failed refresh as the vault's `TokenRefreshError` (see `getAxiosError`); an
 * abort as axios's `CanceledError`. Request bodies are replayed as they were passed (before
 * `transformRequest`); stream bodies are not retried.
 *
 * Default `origins`: the origin of `instance.defaults.baseURL` at attach time. Without a
 * `baseURL` you must pass `origins` (or `'*'`), else a `TypeError` is thrown.
 *
 * @returns `detach()`, which removes both interceptors (idempotent).
 * @throws TypeError on an invalid instance, vault or option (the message names it).
 * @example
 * ```ts
 * const api = axios.create({ baseURL: 'https://api.example.com' });
 * const detach = attachTokenVault(api, vault);
 * const { data } = await api.get('/me'); // Authorization: Bearer …
 * detach();
 * ```
 */
export function attachTokenVault(
  instance: AxiosInstance,
  vault: TokenVault,
  options: AttachTokenVaultOptions = {},
): () => void {
  if (typeof instance !== 'function' && (typeof instance !== 'object' || instance === null)) {
    throw new TypeError(`${API}: "instance" must be an axios instance`);
  }
  if (!instance.interceptors?.request || !instance.interceptors.response) {
    throw new TypeError(`${API}: "instance" must be an axios instance (it has no interceptors)`);
  }
  if (typeof vault?.getToken !== 'function' || typeof vault.refresh !== 'function') {
    throw new TypeError(`${API}: "vault" must be a TokenVault from createTokenVault()`);
  }
  const baseUrl = absoluteBase(instance.defaults?.baseURL);
  const resolved = resolveAdapterOptions(API, options, { requireOrigins: true, baseUrl });
  const { header, formatHeader } = resolved;
  // With explicit `origins`, relative URLs (no baseURL) resolve against the page, if any.
  const resolveBase = resolved.origins === undefined ? baseUrl : globalThis.location?.href;

  const owner = {}; // tells this attachment's requests from another vault's on the same instance

  function authorize(config: InternalAxiosRequestConfig, token: Token): void {
    config.headers = AxiosHeaders.from(config.headers); // in case an interceptor replaced them
    config.headers.set(header, formatHeader(token));
  }

  async function onRequest(config: InternalAxiosRequestConfig): Promise<InternalAxiosRequestConfig> {
    if (config.tokenVault === false || !isAllowedOrigin(requestUrl(config), resolved.origins, resolveBase)) {
      return config;
    }
    const resend = stateOf(config, owner);
    let token: Token;
    if (resend?.retried) token = resend.token;
    else {
      try {
        token = await vault.getToken({ signal: toSignal(config) });
      } catch (error) {
        throw cancelled(config, error);
      }
    }
    recordState(config, owner, token, resend?.retried ?? false);
    authorize(config, token);
    return config;
  }

  async function onRejected(error: unknown): Promise<AxiosResponse> {
    if (!isAxiosError(error) || isCancel(error)) throw error;
    const { config, response } = error;
    const state = stateOf(config, owner);
    if (!config || !response || !state || state.retried || config.tokenVault === false) throw error;
    if (!isRefreshWorthy(resolved, response, response.status, challengeOf(response))) throw error;
    if (!isReplayable(state.data)) throw error; // a stream body was consumed by the first send
    let fresh: Token;
    try {
      fresh = await vault.refresh({ staleToken: state.token, signal: toSignal(config) });
    } catch (refreshError) {
      throw cancelled(config, refreshFailure(refreshError, error));
    }
    const next = resendConfig(config, owner, state, fresh);
    authorize(next, fresh); // also carried if detach() ran meanwhile
    return instance.request(next);
  }

  const requestId = instance.interceptors.request.use(onRequest);
  const responseId = instance.interceptors.response.use(undefined, onRejected);
  let attached = true;
  return function detach(): void {
    if (!attached) return;
    attached = false;
    instance.interceptors.request.eject(requestId);
    instance.interceptors.response.eject(responseId);
  };
}
