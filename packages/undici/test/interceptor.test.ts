/**
 * Over real loopback HTTP (no MSW in the path): the mock authorization server's `listen()`
 * serves the token endpoint AND the protected API on one origin (so the token endpoint is an
 * allowed origin, the deadlock trap), and a second server plays a foreign origin.
 */
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createTokenVault, type TokenVault } from '@tokvault/core';
import { clientCredentials } from '@tokvault/core/oauth2';
import { createMockAuthServer, type MockAuthHttpServer } from '@tokvault/msw';
import { HttpResponse, http } from 'msw';
import * as undici8 from 'undici';
import * as undici7 from 'undici7';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { REPLAY_LIMIT_BYTES, tokenVaultInterceptor } from '../src/index.js';

const client = { clientId: 'svc', clientSecret: 'svc-secret' };
const auth = createMockAuthServer({
  tokenUrl: 'http://127.0.0.1/oauth/token',
  clients: [client],
  singleActiveToken: true,
});
const foreignHits: IncomingHttpHeaders[] = [];
const foreign = createServer((req, res) => {
  foreignHits.push(req.headers);
  res.end('foreign');
});
let server: MockAuthHttpServer;
let foreignUrl: string;
let apiHits = 0;
const vaults: TokenVault[] = [];

beforeAll(async () => {
  await new Promise<void>((resolve) => foreign.listen(0, '127.0.0.1', resolve));
  foreignUrl = `http://127.0.0.1:${(foreign.address() as AddressInfo).port}`;
  server = await auth.listen({
    handlers: [
      http.all('/api/echo', (info) => {
        apiHits += 1;
        return auth.protect(async ({ request }) => HttpResponse.text(await request.text()))(info);
      }),
      http.all(
        '/api/to-foreign',
        () => new HttpResponse(null, { status: 302, headers: { Location: `${foreignUrl}/x` } }),
      ),
    ],
  });
});
afterAll(async () => {
  await server.close();
  await new Promise((resolve) => foreign.close(resolve));
});
afterEach(async () => {
  await Promise.all(vaults.splice(0).map((vault) => vault.close()));
  auth.reset();
  foreignHits.length = 0;
  apiHits = 0;
});

/** A vault whose token source is `clientCredentials` on the global `fetch`, client_secret_post (no Authorization header). */
function createVault(): TokenVault {
  const vault = createTokenVault({
    retry: false,
    fetchToken: clientCredentials({ tokenUrl: server.tokenUrl, ...client, authMethod: 'client_secret_post' }),
  });
  vaults.push(vault);
  return vault;
}

for (const [version, undici] of [
  // Same runtime API; typed as undici 8 (the two majors' type files differ in details).
  ['undici 7', undici7 as unknown as typeof undici8],
  ['undici 8', undici8],
] as const) {
  describe(version, () => {
    describe('as the global dispatcher (every fetch of the process)', () => {
      let previous: ReturnType<typeof undici.getGlobalDispatcher>;
      let agent: InstanceType<typeof undici.Agent>;
      let vault: TokenVault;
      beforeAll(() => {
        previous = undici.getGlobalDispatcher();
      });
      afterEach(async () => {
        undici.setGlobalDispatcher(previous);
        // destroy, not close: the abort case leaves its slow token request behind on purpose
        await agent.destroy();
      });
      const install = (options: { header?: string } = {}) => {
        vault = createVault();
        agent = new undici.Agent();
        undici.setGlobalDispatcher(
          agent.compose(tokenVaultInterceptor(vault, { origins: server.url, ...options })),
        );
      };

      it("clientCredentials' own token request (global fetch, allowed origin) passes untouched: no deadlock", async () => {
        install();
        const response = await fetch(`${server.url}/api/echo`, { method: 'POST', body: 'hello' });
        expect(await response.text()).toBe('hello');
        expect(response.status).toBe(200);
        expect(auth.stats.tokenRequests).toBe(1);
      });

      it('a fetch POST body survives a refresh: kept, replayed intact after the 401', async () => {
        install();
        expect((await fetch(`${server.url}/api/echo`)).status).toBe(200);
        auth.expireAll();
        const body = JSON.stringify({ text: 'x'.repeat(64 * 1024) });
        const response = await fetch(`${server.url}/api/echo`, { method: 'POST', body });
        expect(response.status).toBe(200);
        expect(await response.text()).toBe(body);
        expect(apiHits).toBe(3); // warm-up, the 401, the replay
        expect(auth.stats.tokenRequests).toBe(2);
      });

      it(`a fetch body over ${REPLAY_LIMIT_BYTES} bytes, or a stream, is sent once: its 401 is returned`, async () => {
        install();
        expect((await fetch(`${server.url}/api/echo`)).status).toBe(200);
        auth.expireAll();
        const big = await fetch(`${server.url}/api/echo`, {
          method: 'POST',
          body: 'x'.repeat(REPLAY_LIMIT_BYTES + 1),
        });
        expect(big.status).toBe(401);
        const stream = new Blob(['streamed']).stream();
        const streamed = await fetch(`${server.url}/api/echo`, {
          method: 'POST',
          body: stream,
          duplex: 'half',
        } as RequestInit);
        expect(streamed.status).toBe(401);
        expect(apiHits).toBe(3);
        expect(auth.stats.tokenRequests).toBe(1);
      });

      it('a request that already carries the header is sent untouched', async () => {
        install();
        const response = await fetch(`${server.url}/api/echo`, { headers: { Authorization: 'Bearer mine' } });
        expect(response.status).toBe(401);
        expect(apiHits).toBe(1);
        expect(auth.stats.tokenRequests).toBe(0);
      });

      for (const header of ['Authorization', 'X-Api-Token']) {
        it(`fetch follows a redirect to a foreign origin without the ${header} header`, async () => {
          install({ header });
          const response = await fetch(`${server.url}/api/to-foreign`);
          expect(await response.text()).toBe('foreign');
          expect(foreignHits).toHaveLength(1);
          expect(foreignHits[0]).not.toHaveProperty(header.toLowerCase());
        });
      }

      it('an abort while the token is being fetched rejects the fetch with the reason at once', async () => {
        install();
        auth.failNext(1, { status: 503, body: { error: 'temporarily_unavailable' }, delayMs: 3_000 });
        const controller = new AbortController();
        const pending = fetch(`${server.url}/api/echo`, { signal: controller.signal });
        await expect.poll(() => auth.stats.tokenRequests, { interval: 2 }).toBe(1);
        const reason = new Error('user gave up');
        controller.abort(reason);
        await expect(pending).rejects.toBe(reason);
      });
    });

    describe("with undici's redirect interceptor (undici.request)", () => {
      const agents: InstanceType<typeof undici.Agent>[] = [];
      afterEach(async () => {
        await Promise.all(agents.splice(0).map((agent) => agent.close()));
      });
      const agent = () => {
        const created = new undici.Agent();
        agents.push(created);
        return created;
      };
      for (const header of ['Authorization', 'X-Api-Token']) {
        it(`composed after it (every hop checked): no ${header} for the foreign origin`, async () => {
          const vault = createVault();
          const dispatcher = agent().compose(
            tokenVaultInterceptor(vault, { origins: server.url, header }),
            undici.interceptors.redirect({ maxRedirections: 2 }),
          );
          const response = await undici.request(`${server.url}/api/to-foreign`, { dispatcher });
          expect(await response.body.text()).toBe('foreign');
          expect(foreignHits).toHaveLength(1);
          expect(foreignHits[0]).not.toHaveProperty(header.toLowerCase());
        });
      }

      it('composed before it: undici strips Authorization on the cross-origin hop', async () => {
        const vault = createVault();
        const dispatcher = agent().compose(
          undici.interceptors.redirect({ maxRedirections: 2 }),
          tokenVaultInterceptor(vault, { origins: server.url }),
        );
        const response = await undici.request(`${server.url}/api/to-foreign`, { dispatcher });
        expect(await response.body.text()).toBe('foreign');
        expect(foreignHits).toHaveLength(1);
        expect(foreignHits[0]).not.toHaveProperty('authorization');
      });

      it('composed before it with a custom header: the hop fails instead of leaking the token', async () => {
        const vault = createVault();
        const dispatcher = agent().compose(
          undici.interceptors.redirect({ maxRedirections: 2 }),
          tokenVaultInterceptor(vault, { origins: server.url, header: 'X-Api-Token' }),
        );
        const error = await undici
          .request(`${server.url}/api/to-foreign`, { dispatcher })
          .catch((e: unknown) => e);
        expect(error).toBeInstanceOf(Error);
        expect(String((error as Error).message)).toMatch(
          /compose interceptors.redirect\(\) after tokenVaultInterceptor/,
        );
        expect(String((error as Error).message)).not.toMatch(/mock_at_/);
        expect(foreignHits).toHaveLength(0);
      });
    });
  });
}

describe('the fast path (a request with no body to read and a usable cached token)', () => {
  /** An interceptor below tokenVaultInterceptor (composed before it): records the authorization of each dispatch. */
  const below =
    (seen: unknown[]): undici8.Dispatcher.DispatcherComposeInterceptor =>
    (dispatch) =>
    (opts, handler) => {
      seen.push(opts.headers);
      return dispatch(opts, handler);
    };

  it('is dispatched below synchronously, with the token', async () => {
    const vault = createVault();
    const token = await vault.getToken();
    const seen: unknown[] = [];
    const agent = new undici8.Agent();
    const dispatcher = agent.compose(below(seen), tokenVaultInterceptor(vault, { origins: server.url }));
    const pending = undici8.request(`${server.url}/api/echo`, { dispatcher });
    expect(seen).toEqual([['Authorization', `Bearer ${token.accessToken}`]]); // before any await
    expect((await pending).statusCode).toBe(200);
    await agent.close();
  });

  it('in the soft window it still starts the one background refresh', async () => {
    let clock = 0;
    let issued = 0;
    const vault = createTokenVault({
      now: () => clock,
      refreshWindowMs: 1_000,
      expiryMarginMs: 100,
      fetchToken: async () => ({ accessToken: `t${++issued}`, expiresIn: 10 }),
    });
    vaults.push(vault);
    await vault.getToken();
    clock = 9_500; // inside the soft window, outside the hard margin
    const agent = new undici8.Agent();
    const dispatcher = agent.compose(tokenVaultInterceptor(vault, { origins: foreignUrl }));
    expect((await undici8.request(`${foreignUrl}/x`, { dispatcher })).statusCode).toBe(200);
    await new Promise((resolve) => setImmediate(resolve));
    expect(issued).toBe(2);
    expect(foreignHits[0]?.authorization).toBe('Bearer t1'); // the cached token was sent
    await agent.close();
  });
});

describe('options', () => {
  it('throws a TypeError naming the problem', () => {
    const vault = createTokenVault({ fetchToken: async () => 'token' });
    vaults.push(vault);
    expect(() => tokenVaultInterceptor(vault)).toThrow(/origins/);
    expect(() => tokenVaultInterceptor(vault, { origins: 'ftp://x' })).toThrow(TypeError);
    expect(() => tokenVaultInterceptor({} as TokenVault, { origins: '*' })).toThrow(/vault/);
    expect(() => tokenVaultInterceptor(vault, { origins: '*', fetch } as never)).toThrow(/"fetch"/);
    expect(() => tokenVaultInterceptor(vault, { origins: '*', header: 'bad header' })).toThrow(/header/);
  });
});
