/**
 * fetch-extras 3 `withTokenRefresh`, composed as its docs show: `withHeaders` with a function
 * that returns the stored token, then `withTokenRefresh({ refreshToken })` in `pipeline()` order.
 */
import { pipeline, withHeaders, withTokenRefresh } from 'fetch-extras';
import { type ContenderSpec, settleFetch } from '../contender.js';
import { requestToken } from '../tokenEndpoint.js';

/** fetch-extras' `withTokenRefresh`, composed as documented. */
export const fetchExtras: ContenderSpec = {
  id: 'fetch-extras',
  label: 'fetch-extras withTokenRefresh',
  client: 'fetch',
  kind: 'peer',
  setup:
    "`pipeline(fetch, withHeaders(() => ({ Authorization: 'Bearer ' + token })), withTokenRefresh({ refreshToken }))`; `refreshToken` fetches a token and stores it.",
  async create(env) {
    // Logged in: the app starts with a valid token, as it would after sign-in.
    let token = (await requestToken(env)).accessToken;
    const apiFetch = pipeline(
      fetch,
      withHeaders(() => ({ Authorization: `Bearer ${token}` })),
      withTokenRefresh({
        refreshToken: async () => {
          token = (await requestToken(env)).accessToken;
          return token;
        },
      }),
    );
    return {
      get: (path) => settleFetch(apiFetch(`${env.apiUrl}${path}`)),
      async close() {},
    };
  },
};
