import { HttpResponse, http } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createMockAuthServer } from '../src/index.js';
import { getWith, postToken } from './helpers.js';

const tokenUrl = 'https://auth.example.test/oauth/token';
const api = 'https://api.example.test/me';
const server = setupServer();

beforeAll(() => server.listen({ onUnhandledFrame: 'error' }));
afterAll(() => server.close());

/** A test body: its own mock server, installed with server.use() inside a boundary. */
function scenario(clientId: string, singleActiveToken: boolean) {
  return server.boundary(async () => {
    const auth = createMockAuthServer({
      tokenUrl,
      clients: [{ clientId, clientSecret: 's' }],
      singleActiveToken,
    });
    server.use(
      ...auth.handlers,
      http.get(
        api,
        auth.protect(({ auth: info }) => HttpResponse.json(info.clientId)),
      ),
    );
    const tokens: string[] = [];
    for (let i = 0; i < 3; i += 1) {
      const res = await postToken(
        tokenUrl,
        { grant_type: 'client_credentials' },
        { id: clientId, secret: 's' },
      );
      expect(res.status).toBe(200);
      tokens.push((await res.json()).access_token);
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
    const statuses = await Promise.all(tokens.map(async (token) => (await getWith(api, token)).status));
    return { statuses, stats: auth.stats.tokenRequests };
  });
}

it('keeps two concurrent mock servers apart inside server.boundary()', async () => {
  const [a, b] = await Promise.all([scenario('alpha', true)(), scenario('beta', false)()]);
  // alpha (single active token) only accepts its newest token; beta accepts all of its own.
  expect(a).toEqual({ statuses: [401, 401, 200], stats: 3 });
  expect(b).toEqual({ statuses: [200, 200, 200], stats: 3 });
  // Outside the boundaries nothing leaked.
  expect(server.listHandlers()).toEqual([]);
});
