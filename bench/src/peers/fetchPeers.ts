/**
 * fetch peers a user would pick instead of tokvault: `@badgateway/oauth2-client`'s `OAuth2Fetch`
 * and `openid-client`'s `fetchProtectedResource` (with the retry recipe its users write).
 */
import { OAuth2Client, OAuth2Fetch } from '@badgateway/oauth2-client';
import { allowInsecureRequests, Configuration, fetchProtectedResource } from 'openid-client';
import { type ContenderSpec, settleFetch } from '../contender.js';
import { requestToken } from '../tokenEndpoint.js';

/** `@badgateway/oauth2-client` 3: `OAuth2Fetch`, one refresh in flight, one retry on 401. */
export const badgatewayFetch: ContenderSpec = {
  id: 'badgateway-fetch',
  label: '@badgateway/oauth2-client OAuth2Fetch',
  client: 'fetch',
  kind: 'peer',
  setup:
    '`new OAuth2Fetch({ client: new OAuth2Client({ server, tokenEndpoint, clientId, clientSecret }), getNewToken, scheduleRefresh: false })`, `wrapper.fetch(url)`; `getNewToken` makes the shared token request.',
  async create(env) {
    const client = new OAuth2Client({
      server: new URL(env.tokenUrl).origin,
      tokenEndpoint: env.tokenUrl,
      clientId: env.clientId,
      clientSecret: env.clientSecret,
    });
    const wrapper = new OAuth2Fetch({
      client,
      scheduleRefresh: false,
      getNewToken: async () => {
        const { accessToken, expiresIn } = await requestToken(env);
        const expiresAt = expiresIn === undefined ? null : Date.now() + expiresIn * 1000;
        return { accessToken, expiresAt, refreshToken: null };
      },
    });
    return { get: (path) => settleFetch(wrapper.fetch(`${env.apiUrl}${path}`)), async close() {} };
  },
};

/** `openid-client` 6: `fetchProtectedResource` with a cached token, one coalesced refresh per 401 and one retry. */
export const openidClientFetch: ContenderSpec = {
  id: 'openid-client',
  label: 'openid-client fetchProtectedResource',
  client: 'fetch',
  kind: 'peer',
  setup:
    '`fetchProtectedResource(config, token, url, "GET")` (`allowInsecureRequests` for the loopback `http:`); the recipe: a cached token, on a 401 (`WWWAuthenticateChallengeError`) one shared token request (joined while in flight) and one retry.',
  async create(env) {
    const config = new Configuration(
      { issuer: new URL(env.tokenUrl).origin, token_endpoint: env.tokenUrl },
      env.clientId,
      env.clientSecret,
    );
    allowInsecureRequests(config);
    // Logged in: the app starts with a valid token, as it would after sign-in.
    let token = (await requestToken(env)).accessToken;
    let refreshing: Promise<string> | undefined;
    const refresh = () =>
      (refreshing ??= requestToken(env)
        .then((fresh) => {
          token = fresh.accessToken;
          return token;
        })
        .finally(() => {
          refreshing = undefined;
        }));
    const send = (accessToken: string, url: URL) => fetchProtectedResource(config, accessToken, url, 'GET');
    const get = async (path: string): Promise<Response> => {
      const url = new URL(`${env.apiUrl}${path}`);
      try {
        return await send(token, url);
      } catch (error) {
        if ((error as { status?: number }).status !== 401) throw error;
        return send(await refresh(), url);
      }
    };
    return { get: (path) => settleFetch(get(path)), async close() {} };
  },
};
