/**
 * What the interceptors remember about one request: the token it carried, whether it is the
 * one allowed resend, and its body and headers as they were before axios serialised them.
 */
import type { Token } from '@tokvault/core';
import { AxiosHeaders, type InternalAxiosRequestConfig } from 'axios';

/**
 * The config key that carries {@link RequestState}. A string key (not a symbol) because older
 * axios 1.x `mergeConfig` drops symbol keys, and the resend goes through `mergeConfig` again.
 */
const STATE_KEY = '__tokvault';

type Carrier = { [STATE_KEY]?: RequestState | undefined };

/**
 * Per-request state. `toJSON` and `util.inspect` show only `retried`, so logging
 * `error.config` (or `AxiosError#toJSON()`) never prints the body or headers snapshot twice.
 */
export class RequestState {
  constructor(
    /** The attachment that authorised the request (one instance may carry several vaults). */
    readonly owner: object,
    /** The token the request carried (or, on a resend, must carry). */
    readonly token: Token,
    /** Whether this is the one resend after a refresh. */
    readonly retried: boolean,
    /** `config.data` before `transformRequest` ran. */
    readonly data: unknown,
    /** `config.headers` before our header was set (a copy). */
    readonly headers: AxiosHeaders,
  ) {}

  /** What `JSON.stringify(error.config)` shows: never the token, body or headers. */
  toJSON(): { retried: boolean } {
    return { retried: this.retried };
  }

  /** What `util.inspect` / `console.log` shows. */
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return `RequestState { retried: ${this.retried} }`;
  }
}

/** The state stored on `config`, if `owner`'s request interceptor authorised it. */
export function stateOf(
  config: InternalAxiosRequestConfig | undefined,
  owner: object,
): RequestState | undefined {
  const state = (config as Carrier | undefined)?.[STATE_KEY];
  return state instanceof RequestState && state.owner === owner ? state : undefined;
}

/** Remember what this request carries, taking snapshots of its body and headers. */
export function recordState(
  config: InternalAxiosRequestConfig,
  owner: object,
  token: Token,
  retried: boolean,
): void {
  const headers = new AxiosHeaders(config.headers);
  (config as Carrier)[STATE_KEY] = new RequestState(owner, token, retried, config.data, headers);
}

/**
 * The config for the one resend: the failed request's config with the ORIGINAL body and
 * headers restored. `error.config.data` has already been through `transformRequest` (a JSON
 * object is a string by then, and the http adapter added `Content-Length`), so resending it
 * as-is would run the transforms twice.
 */
export function resendConfig(
  failed: InternalAxiosRequestConfig,
  owner: object,
  state: RequestState,
  token: Token,
): InternalAxiosRequestConfig {
  const headers = new AxiosHeaders(state.headers);
  const next: InternalAxiosRequestConfig & Carrier = { ...failed, data: state.data, headers };
  next[STATE_KEY] = new RequestState(owner, token, true, state.data, state.headers);
  return next;
}

/**
 * Whether a body can be sent a second time. Node streams (including the `form-data` package),
 * web `ReadableStream`s and async iterables are consumed by the first send.
 */
export function isReplayable(data: unknown): boolean {
  if (typeof data !== 'object' || data === null) return true;
  if (typeof Blob !== 'undefined' && data instanceof Blob) return true;
  const candidate = data as { pipe?: unknown; getReader?: unknown; [Symbol.asyncIterator]?: unknown };
  return (
    typeof candidate.pipe !== 'function' &&
    typeof candidate.getReader !== 'function' &&
    typeof candidate[Symbol.asyncIterator] !== 'function'
  );
}
