/**
 * axios interceptors: inject the vault's token, and after a refresh-worthy response refresh
 * once (coalesced in the vault) and resend once, below the app's own interceptors.
 */
import type { Token, TokenVault } from '@tokvault/core';
import {
  type AdapterOptions,
  isAllowedOrigin,
  isRefreshWorthy,
  isReplayableBody,
  type ResendBudget,
  resendStep,
  resolveAdapterOptions,
} from '@tokvault/core/adapter';
import {
  type AxiosError,
  type AxiosInstance,
  type AxiosResponse,
  CanceledError,
  type InternalAxiosRequestConfig,
} from 'axios';
import { redirectGuard } from './redirects.js';
import { refreshFailure } from './refreshFailure.js';
import { authorized, resendBelow, signalOf, targetOf } from './resend.js';

declare module 'axios' {
  interface AxiosRequestConfig {
    /**
     * `false` sends this request without a token and never refreshes or retries it, e.g. the
     * token request of a `fetchToken` that uses the same instance. `true` or `undefined`
     * applies the normal rules (it does not override `origins`).
     * @default undefined
     * @example
     * ```ts
     * declare const form: URLSearchParams; // the token request's body
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
 * A plain string key and a plain object, because axios copies configs (`mergeConfig`, and the
 * flat copy `dispatchRequest` hands the adapter) and older 1.x drop symbol keys; its JSON and
 * `util.inspect` forms therefore show `{ retried }` and nothing else.
 */
interface Mark {
  readonly retried: boolean;
}

type Config = InternalAxiosRequestConfig & { __tokvault?: Mark | undefined };

/** Per request: the token it carries, its resend budget, and the mark its redirect guard uses. */
interface Sent {
  readonly token: Token;
  readonly spent: ResendBudget;
  readonly first: Mark;
}

/**
 * Attach a token vault to an axios instance. Each request to an allowed origin awaits
 * `vault.getToken()` and carries the token in `header`. A response that axios rejects with a
 * status in `statusCodes` (default `[401]`; never for `WWW-Authenticate: … insufficient_scope`)
 * triggers `vault.refresh({ staleToken })` — one coalesced refresh for all requests, instances
 * and callers of the vault, and none at all if the token was already replaced — and the request
 * is resent ONCE with the new token. A second rejection reaches the caller as the normal
 * `AxiosError`; a failed refresh as the vault's `TokenRefreshError` (see `getAxiosError`); an
 * abort as axios's `CanceledError`. The resend is invisible to your interceptors: it sends the
 * request exactly as the adapter got it (your request interceptors and `transformRequest`
 * already applied, not run again) and its result goes through the response interceptors added
 * AFTER `attachTokenVault` once, as without a refresh; those added before it sit between it and
 * the wire and see the 401 and the resend. Stream bodies are not retried.
 *
 * Redirects (Node): the token header (`header`, whatever its name) is dropped before a hop to
 * an origin outside `origins`, with the http adapter (`beforeRedirect`, your own one still
 * runs first) and the fetch adapter (`env.fetch` follows redirects itself); a 401 from such an
 * origin is never refreshed.
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
  // What each authorised request carried, per attachment (an instance may carry several vaults).
  const sent = new WeakMap<Mark, Sent>();
  const guard = redirectGuard(o.header, (url) => isAllowedOrigin(url, o.origins));
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
    const mark: Mark = { retried: false };
    config.headers = await authorized(o, config, token);
    sent.set(mark, { token, spent: { nonce: false, refresh: false }, first: mark });
    config.__tokvault = mark;
    guard.install(config, mark);
    return config;
  }

  async function onRejected(error: AxiosError): Promise<AxiosResponse> {
    const config = error?.config as Config | undefined;
    const state = sent.get(config?.__tokvault as Mark);
    const response = error?.response;
    // Not ours (or a cancel), no response, from an origin a redirect took it to, a stream body
    // that the first send consumed, or nothing to resend for (budget spent): the error as is.
    const step =
      config &&
      state &&
      response &&
      !guard.leftOrigins(state.first, error.request) &&
      isReplayableBody(config.data) &&
      resendStep(o, targetOf(config), response, state.spent, () => isRefreshWorthy(o, response));
    if (!step) throw error;
    let token = state.token; // a DPoP nonce resend keeps it
    try {
      if (step === 'refresh') token = await vault.refresh({ staleToken: token, signal: signalOf(config) });
    } catch (refreshError) {
      throw failure(config, refreshError, error);
    }
    // `config` is what the adapter got (interceptors and `transformRequest` applied): resend it
    // as is, with the token, below the interceptors registered after ours (its failure comes
    // back here, for what is left of the budget).
    const mark: Mark = { retried: true };
    sent.set(mark, { ...state, token });
    const resend = { ...config, headers: await authorized(o, config, token), __tokvault: mark } as Config;
    return resendBelow(instance, onRejected, resend).catch(onRejected);
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
