/**
 * axios-auth-refresh 5, set up as its README shows: `createAuthRefresh(instance, refreshAuthLogic)`
 * with default options, plus the README's request interceptor that injects the current token.
 */
import axios, { type AxiosError } from 'axios';
import { createAuthRefresh } from 'axios-auth-refresh';
import { type ContenderSpec, settle } from '../contender.js';
import { requestToken } from '../tokenEndpoint.js';

/** axios-auth-refresh 5 as its README configures it. */
export const axiosAuthRefresh: ContenderSpec = {
  id: 'axios-auth-refresh',
  label: 'axios-auth-refresh 5',
  client: 'axios',
  kind: 'peer',
  setup:
    'README setup: `createAuthRefresh(instance, refreshAuthLogic)` with default options; refreshAuthLogic fetches a token, stores it and sets it on `failedRequest.response.config`; the README request interceptor sets `Authorization` from the stored token.',
  async create(env) {
    // Logged in: the app starts with a valid token, as it would after sign-in.
    let token = (await requestToken(env)).accessToken;
    const instance = axios.create({ baseURL: env.apiUrl });
    instance.interceptors.request.use((request) => {
      request.headers.Authorization = `Bearer ${token}`;
      return request;
    });
    createAuthRefresh(instance, async (failedRequest: AxiosError) => {
      token = (await requestToken(env)).accessToken;
      if (failedRequest.response) failedRequest.response.config.headers.Authorization = `Bearer ${token}`;
    });
    return {
      get: (path) => settle(instance.get(path)),
      async close() {},
    };
  },
};
