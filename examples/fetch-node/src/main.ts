/**
 * `fetch` in Node with @tokvault/fetch, against the mock authorization server over real HTTP.
 *
 * Run it: `pnpm --filter @tokvault/example-fetch-node start`
 *
 * What it shows: `createAuthFetch` needs `origins` (fetch has no base URL); requests to that
 * origin carry the token, others do not; a token rotated while requests are in flight (stale
 * 401s) costs no extra refresh; a failing token endpoint surfaces as `TokenRefreshError`.
 */
import { pathToFileURL } from 'node:url';
import { createTokenVault, TokenRefreshError } from '@tokvault/core';
import { clientCredentials } from '@tokvault/core/oauth2';
import { createAuthFetch } from '@tokvault/fetch';
import { createMockAuthServer } from '@tokvault/msw';
import { HttpResponse, http } from 'msw';

/** What happened, for the test and the console. */
export interface FetchExampleReport {
  /** Requests that ended with a 2xx. */
  succeeded: number;
  /** Calls the token endpoint received. */
  tokenRequests: number;
  /** Whether the public route saw an `Authorization` header (it must not). */
  publicSawToken: boolean;
  /** The error name when the token endpoint was down. */
  failure: string | undefined;
}

/** Run the example; `log` receives one line per step. */
export async function main(log: (line: string) => void = console.log): Promise<FetchExampleReport> {
  const auth = createMockAuthServer({
    tokenUrl: 'http://127.0.0.1/oauth/token',
    clients: [{ clientId: 'reports-app', clientSecret: 'example-secret' }],
    singleActiveToken: true, // like a single-session API: only the newest token works
  });
  await using server = await auth.listen({
    handlers: [
      http.get(
        '/api/reports',
        auth.protect(() => HttpResponse.json({ reports: 3 })),
      ),
      http.get('/public/status', ({ request }) =>
        HttpResponse.json({ sawToken: request.headers.has('authorization') }),
      ),
    ],
  });
  await using vault = createTokenVault({
    retry: false,
    fetchToken: clientCredentials({
      tokenUrl: server.tokenUrl,
      clientId: 'reports-app',
      clientSecret: 'example-secret',
    }),
  });

  // Only `origins` get the token. Here everything runs on one origin, so the public route opts out.
  const authFetch = createAuthFetch(vault, { origins: server.url });

  let succeeded = 0;
  const get = async (path: string) => {
    const response = await authFetch(`${server.url}${path}`);
    if (response.ok) succeeded += 1;
    return response;
  };

  // 1. A burst: one token request.
  await Promise.all(Array.from({ length: 10 }, () => get('/api/reports')));
  log(`10 GETs: ${succeeded} ok, ${auth.stats.tokenRequests} token request(s)`);

  // 2. Stale 401s: the token is rotated while 10 requests are on their way with the old one.
  const burst = Array.from({ length: 10 }, () => get('/api/reports'));
  await vault.refresh(); // e.g. another part of the app forced a refresh
  await Promise.all(burst);
  log(
    `token rotated mid-flight: ${succeeded} ok so far, ${auth.stats.tokenRequests} token requests (no extra refresh)`,
  );

  // 3. The opt-out: a request that must not carry the token.
  const status = (await (await authFetch(`${server.url}/public/status`, { tokenVault: false })).json()) as {
    sawToken: boolean;
  };
  log(`public route saw a token: ${status.sawToken}`);

  // 4. The token endpoint fails: callers get TokenRefreshError (with the cause), nobody hangs.
  auth.expireAll();
  auth.failNext(1, { status: 503 });
  let failure: string | undefined;
  try {
    await get('/api/reports');
  } catch (error) {
    if (error instanceof TokenRefreshError) failure = error.name;
  }
  log(`token endpoint down: request failed with ${failure}`);

  return { succeeded, tokenRequests: auth.stats.tokenRequests, publicSawToken: status.sawToken, failure };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await main();
}
