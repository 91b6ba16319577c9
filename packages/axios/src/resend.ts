/**
 * The one resend after a refresh, made below the app's interceptors: the caller-visible
 * request already went through every request interceptor, and its result goes through the
 * response interceptors registered after ours once, as without a refresh.
 */
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
