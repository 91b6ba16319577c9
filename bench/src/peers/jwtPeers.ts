/**
 * Peers that read the access token's `exp` claim (JWT access tokens, which the bench server
 * issues): axios-jwt and undici-oidc-interceptor.
 */

import axios from 'axios';
import { applyAuthTokenInterceptor, setAuthTokens } from 'axios-jwt';
import { Agent, getGlobalDispatcher, setGlobalDispatcher } from 'undici';
import { createOidcInterceptor } from 'undici-oidc-interceptor';
import { type ContenderSpec, settle, settleUndici } from '../contender.js';
import { requestToken } from '../tokenEndpoint.js';

/** axios-jwt 4: a request interceptor that refreshes when the token's `exp` is near; no 401 handling. */
export const axiosJwt: ContenderSpec = {
  id: 'axios-jwt',
  label: 'axios-jwt 4',
  client: 'axios',
  kind: 'peer',
  setup:
    '`applyAuthTokenInterceptor(axios.create({ baseURL }), { requestRefresh, getStorage })`: in-memory storage (its default is `localStorage`), `requestRefresh` makes the shared token request (a placeholder refresh token, since client credentials have none). It refreshes only on the JWT `exp` claim; it has no 401 handling.',
  async create(env) {
    const memory = new Map<string, string>();
    const instance = axios.create({ baseURL: env.apiUrl });
    applyAuthTokenInterceptor(instance, {
      requestRefresh: async () => (await requestToken(env)).accessToken,
      getStorage: () => ({
        get: async (key: string) => memory.get(key) ?? null,
        set: async (key: string, value: string) => {
          memory.set(key, value);
        },
        remove: async (key: string) => {
          memory.delete(key);
        },
      }),
    });
    // Logged in: the app starts with a valid token, as it would after sign-in.
    await setAuthTokens({
      accessToken: (await requestToken(env)).accessToken,
      refreshToken: 'client-credentials',
    });
    return { get: (path) => settle(instance.get(path)), async close() {} };
  },
};

/** undici-oidc-interceptor: an undici interceptor, client credentials, retry on 401. */
export const undiciOidc: ContenderSpec = {
  id: 'undici-oidc',
  label: 'undici-oidc-interceptor',
  client: 'undici',
  kind: 'peer',
  setup:
    "`new Agent().compose(createOidcInterceptor({ idpTokenUrl, clientId, clientSecret, urls: [apiOrigin], retryOnStatusCodes: [401] }))`, installed as undici's global dispatcher while it runs (its 401 retry and its token request go through the global dispatcher: on a plain `Agent` the retry carries the old token), `undici.request(url, { dispatcher })`. Its own token request (client secret in the form body) goes to `localhost` instead of `127.0.0.1`: on the API's origin it would intercept itself (stack overflow).",
  async create(env) {
    const previous = getGlobalDispatcher();
    const dispatcher = new Agent().compose(
      createOidcInterceptor({
        // Another origin than the API's, or the interceptor intercepts its own token request.
        idpTokenUrl: env.tokenUrl.replace('//127.0.0.1:', '//localhost:'),
        clientId: env.clientId,
        clientSecret: env.clientSecret,
        urls: [new URL(env.apiUrl).origin],
        retryOnStatusCodes: [401],
      }),
    );
    setGlobalDispatcher(dispatcher);
    return {
      get: (path) => settleUndici(`${env.apiUrl}${path}`, { dispatcher }),
      async close() {
        setGlobalDispatcher(previous);
        await dispatcher.close();
      },
    };
  },
};
