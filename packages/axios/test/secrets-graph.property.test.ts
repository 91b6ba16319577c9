/**
 * Secrets stay secret when axios is in the error graph (issue 13, item 2). An `AxiosError`
 * carries the form body (`config.data`), the Basic header or `config.auth`, and the live
 * `request`; it reaches the vault three ways: a user's `fetchToken` that POSTs with axios and
 * throws, an OAuth 2.0 source given an axios-based `fetch` (network error), and a request through
 * `attachTokenVault` whose refresh failed. Real axios (http and fetch adapters) against a HOSTILE
 * loopback token endpoint that echoes everything it received; no rendering shows any secret.
 */
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createTokenVault, type FetchToken } from '@tokvault/core';
import { clientCredentials, type FetchLike, refreshTokenGrant } from '@tokvault/core/oauth2';
import {
  collectFailures,
  type EchoingTokenServer,
  findLeak,
  secretArbitrary,
  startEchoingTokenServer,
} from '@tokvault/testkit';
import axios from 'axios';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attachTokenVault } from '../src/index.js';

let hostile: EchoingTokenServer;
let api: Server;
let apiUrl = '';

beforeAll(async () => {
  hostile = await startEchoingTokenServer();
  // A protected API that refuses every token: each request needs a refresh.
  api = createServer((_request, response) => {
    response.writeHead(401, { 'www-authenticate': 'Bearer error="invalid_token"' });
    response.end();
  }).listen(0, '127.0.0.1');
  await once(api, 'listening');
  apiUrl = `http://127.0.0.1:${(api.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await hostile.close();
  await new Promise((resolve) => api.close(resolve));
});

const formEncode = (value: string) => new URLSearchParams({ v: value }).toString().slice(2);
const basic = (id: string, secret: string) =>
  `Basic ${Buffer.from(`${formEncode(id)}:${formEncode(secret)}`).toString('base64')}`;

/** An axios-based `fetch` for the OAuth 2.0 sources, as a user would write one. */
const axiosFetch: FetchLike = async (input, init = {}) => {
  const response = await axios.post(String(input), String(init.body), {
    headers: Object.fromEntries(new Headers(init.headers)),
    signal: init.signal ?? undefined,
    responseType: 'text',
    validateStatus: () => true,
  });
  return new Response(response.data as string, { status: response.status });
};

const failures = collectFailures;

const secrets = fc.record({
  clientSecret: secretArbitrary(),
  refreshToken: secretArbitrary(),
  accessToken: secretArbitrary(true),
  rejected: fc.constantFrom(400, 500),
  authOption: fc.boolean(),
  adapter: fc.constantFrom('http' as const, 'fetch' as const),
});

describe('secrets stay secret with axios in the error graph (property, hostile loopback server)', () => {
  it('AxiosError causes, axios-based fetch and attachTokenVault rejections show no secret', async () => {
    await fc.assert(
      fc.asyncProperty(
        secrets,
        async ({ clientSecret, refreshToken, accessToken, rejected, authOption, adapter }) => {
          fc.pre(new Set([clientSecret, refreshToken, accessToken]).size === 3);
          hostile.status = rejected;
          const tokenUrl = `${hostile.url}/token`;
          const session = { accessToken, refreshToken, expiresIn: 3600 };
          const outputs: unknown[] = [];

          // A user's fetchToken: the first token is fine, every refresh POSTs with axios and throws
          // the AxiosError (config.data = the form, config.headers/auth = the client secret).
          const userFetchToken = (): FetchToken => {
            let calls = 0;
            return async ({ previous }) => {
              if (calls++ === 0) return session;
              const form = new URLSearchParams({
                grant_type: 'refresh_token',
                refresh_token: previous?.refreshToken ?? '',
                client_secret: clientSecret,
              });
              const credentials = authOption
                ? { auth: { username: 'app', password: clientSecret } }
                : { headers: { Authorization: basic('app', clientSecret) } };
              const { data } = await axios.post(tokenUrl, form, { adapter, ...credentials });
              return data;
            };
          };
          const direct = createTokenVault({ retry: false, fetchToken: userFetchToken() });
          outputs.push(
            ...(await failures(direct, async () => {
              await direct.getToken();
              await direct.refresh();
            })),
          );

          // Through the adapter: the API answers 401, the refresh fails, the request rejects.
          const adapted = createTokenVault({ retry: false, fetchToken: userFetchToken() });
          const client = axios.create({ baseURL: apiUrl, adapter });
          attachTokenVault(client, adapted);
          outputs.push(...(await failures(adapted, () => client.get('/me'))));

          // The OAuth 2.0 sources with an axios-based fetch: network errors are AxiosErrors.
          const closed = `http://127.0.0.1:${hostile.closedPort}/token`;
          const sources = [
            clientCredentials({ tokenUrl: closed, clientId: 'app', clientSecret, fetch: axiosFetch }),
            refreshTokenGrant({
              tokenUrl: closed,
              clientId: 'app',
              clientSecret,
              refreshToken,
              authMethod: 'client_secret_post',
              fetch: axiosFetch,
            }),
            clientCredentials({ tokenUrl, clientId: 'app', clientSecret, fetch: axiosFetch }),
          ];
          for (const fetchToken of sources) {
            const vault = createTokenVault({ retry: false, fetchToken });
            outputs.push(...(await failures(vault, () => vault.getToken())));
          }

          expect(outputs.filter((output) => output !== undefined).length).toBeGreaterThanOrEqual(10);
          expect(findLeak(outputs, [clientSecret, refreshToken, accessToken])).toBeUndefined();
        },
      ),
      { numRuns: 30 },
    );
  });
});
