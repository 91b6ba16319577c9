/**
 * The naive starting point of the seed article: a cached token; each request that gets a 401
 * fetches a new token itself and retries once. No coalescing.
 */
import { type ContenderSpec, settleFetch } from '../contender.js';
import { requestToken } from '../tokenEndpoint.js';

/** The naive client: one token fetch per 401, no coalescing. */
export const naive: ContenderSpec = {
  id: 'naive',
  label: 'naive per-request refresh',
  client: 'fetch',
  kind: 'peer',
  setup: 'fetch with a cached token; on a 401 each request fetches a new token itself and retries once.',
  async create(env) {
    // Logged in: the app starts with a valid token, as it would after sign-in.
    let token = (await requestToken(env)).accessToken;
    const send = (url: string) => fetch(url, { headers: { Authorization: `Bearer ${token}` } });
    async function get(path: string): Promise<Response> {
      const url = `${env.apiUrl}${path}`;
      const first = await send(url);
      if (first.status !== 401) return first;
      await first.arrayBuffer();
      token = (await requestToken(env)).accessToken;
      return send(url);
    }
    return {
      get: (path) => settleFetch(get(path)),
      async close() {},
    };
  },
};
