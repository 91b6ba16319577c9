/**
 * axios interceptors: inject the vault's token, and after a refresh-worthy response refresh
 * once (coalesced in the vault) and resend once through the same instance.
 */
import type { Token, TokenVault } from '@tokvault/core';
import {
  type AdapterOptions,
  isAllowedOrigin,
  isRefreshWorthy,
  isReplayableBody,
  resolveAdapterOptions,
} from '@tokvault/core/adapter';
import {
  type AxiosError,
  AxiosHeaders,
  type AxiosInstance,
  type AxiosResponse,
  CanceledError,
  type InternalAxiosRequestConfig,
} from 'axios';
import { refreshFailure } from './refreshFailure.js';

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

/**
 * The bookkeeping a request carries on `config.__tokvault`: only whether it is the one resend.
 * A plain string key and a plain object, because axios's `mergeConfig` (which the resend goes
 * through) drops symbol keys in older 1.x and copies plain objects; its JSON and `util.inspect`
 * forms therefore show `{ retried }` and nothing else.
 */
interface Mark {
  readonly retried: boolean;
}

type Config = InternalAxiosRequestConfig & { __tokvault?: Mark | undefined };

/**
 * What one attachment remembers about a request it authorised, keyed by the request's mark:
 * the token it carried, and its body and headers as they were before axios serialised them
 * (`error.config.data` has been through `transformRequest`: a JSON object is a string by then).
 */
type Sent = readonly [token: Token, data: unknown, headers: Config['headers']];

/** axios's own test for an absolute request URL (`scheme://` or `//`), as in its `buildFullPath`. */
const ABSOLUTE_URL = /^([a-z][a-z\d+\-.]*:)?\/\//i;

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
  if (!instance?.interceptors?.request) throw new TypeError(`${API}: "instance" must be an axios instance`);
  const o = resolveAdapterOptions(API, vault, options, {
    requireOrigins: true,
    baseUrl: instance.defaults?.baseURL,
  });
  const sent = new WeakMap<Mark, Sent>(); // per attachment: one instance may carry several vaults

  /** `headers` plus our header, as a new object (the snapshot stays untouched). */
  const withToken = (headers: Config['headers'], token: Token) =>
    new AxiosHeaders(headers).set(o.header, o.formatHeader(token));

  /**
   * Where axios sends `config`, as `instance.getUri(config)` builds it but without the query
   * (which never changes the origin). Request interceptors get a config already merged with the
   * defaults, so this skips the second `mergeConfig` of `getUri` (most of our per-request cost).
   */
  const targetOf = ({ baseURL, url = '', allowAbsoluteUrls }: Config): string =>
    baseURL && (!ABSOLUTE_URL.test(url) || allowAbsoluteUrls === false)
      ? `${baseURL.replace(/\/+$/, '')}/${url.replace(/^\/+/, '')}`
      : url;

  /** The request's own signal, if it is one that vault calls can listen to. */
  const signalOf = ({ signal }: Config) => (signal?.addEventListener ? (signal as AbortSignal) : undefined);

  /** A failed vault call: an abort of the request's own signal becomes axios's `CanceledError`. */
  const failure = (config: Config, error: unknown, original?: AxiosError) =>
    config.signal?.aborted
      ? new CanceledError(undefined, config)
      : original
        ? refreshFailure(error, original)
        : error;

  async function onRequest(config: Config): Promise<Config> {
    if (
      config.tokenVault === false ||
      config.__tokvault?.retried ||
      !isAllowedOrigin(targetOf(config), o.origins)
    ) {
      return config; // the resend already carries its token (also if detach() ran meanwhile)
    }
    const signal = signalOf(config);
    let token: Token;
    try {
      // A fresh token comes back as an already-settled promise: one await, nothing else.
      token = await vault.getToken(signal && { signal });
    } catch (error) {
      throw failure(config, error);
    }
    // axios built `config.headers` for this request alone: it becomes the replay snapshot, and
    // the copy with our header goes on the wire (axios serialises into that one).
    const mark: Mark = { retried: false };
    sent.set(mark, [token, config.data, config.headers]);
    config.__tokvault = mark;
    config.headers = withToken(config.headers, token);
    return config;
  }

  async function onRejected(error: AxiosError): Promise<AxiosResponse> {
    const config = error?.config as Config | undefined;
    const request = sent.get(config?.__tokvault as Mark);
    const response = error?.response;
    // Not ours (or a cancel, or the resend), no response, not refresh-worthy, or a stream body
    // that the first send consumed: the caller gets the error as is.
    if (!config || !request || !response || !isRefreshWorthy(o, response) || !isReplayableBody(request[1])) {
      throw error;
    }
    const [token, data, headers] = request;
    let fresh: Token;
    try {
      fresh = await vault.refresh({ staleToken: token, signal: signalOf(config) });
    } catch (refreshError) {
      throw failure(config, refreshError, error);
    }
    const next: Config = {
      ...config,
      data,
      headers: withToken(headers, fresh),
      __tokvault: { retried: true },
    };
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
