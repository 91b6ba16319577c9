/**
 * ky's documented refresh recipe (readme FAQ "How do I implement token refresh on 401
 * responses?"): `retry: { statusCodes: [401] }` and a `beforeRetry` hook that refreshes the
 * token and sets the header; a `beforeRequest` hook injects the current token.
 */
import ky from 'ky';
import { type ContenderSpec, KY_TIMEOUT_MS, settle } from '../contender.js';
import { requestToken } from '../tokenEndpoint.js';

/** ky's documented refresh recipe. */
export const kyRecipe: ContenderSpec = {
  id: 'ky-recipe',
  label: 'ky readme recipe',
  client: 'ky',
  kind: 'peer',
  setup:
    'ky readme FAQ: `retry: { statusCodes: [401] }` (other retry settings default) and a `beforeRetry` hook that calls `refreshToken()` and sets `Authorization`; a `beforeRequest` hook sets the stored token. `refreshToken()` is a plain token request, as in the recipe. `timeout: 60_000` as for every ky contender.',
  async create(env) {
    // Logged in: the app starts with a valid token, as it would after sign-in.
    let token = (await requestToken(env)).accessToken;
    const api = ky.create({
      prefix: env.apiUrl,
      timeout: KY_TIMEOUT_MS,
      retry: { statusCodes: [401] },
      hooks: {
        beforeRequest: [
          ({ request }) => {
            request.headers.set('Authorization', `Bearer ${token}`);
          },
        ],
        beforeRetry: [
          async ({ request }) => {
            token = (await requestToken(env)).accessToken;
            request.headers.set('Authorization', `Bearer ${token}`);
          },
        ],
      },
    });
    return {
      get: (path) => settle(api.get(path.slice(1)).arrayBuffer()),
      async close() {},
    };
  },
};
