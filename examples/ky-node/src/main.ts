/**
 * ky in Node with @tokvault/ky, against the mock authorization server over real HTTP.
 *
 * Run it: `pnpm --filter @tokvault/example-ky-node start`
 *
 * What it shows: a burst of requests shares ONE token request; after the server expires every
 * token (as on a revocation), the burst of 401s causes ONE refresh and every request, a JSON
 * POST included, is retried once with the new token.
 */
import { pathToFileURL } from 'node:url';
import { createTokenVault } from '@tokvault/core';
import { clientCredentials } from '@tokvault/core/oauth2';
import { tokenVaultHooks } from '@tokvault/ky';
import { createMockAuthServer } from '@tokvault/msw';
import ky from 'ky';
import { HttpResponse, http } from 'msw';

/** What happened, for the test and the console. */
export interface KyExampleReport {
  /** Requests sent through ky. */
  requests: number;
  /** Requests that ended with a 2xx. */
  succeeded: number;
  /** Calls the token endpoint received. */
  tokenRequests: number;
  /** API requests the server refused with 401 (each retried once by the hooks). */
  rejected: number;
}

/** Run the example; `log` receives one line per step. */
export async function main(log: (line: string) => void = console.log): Promise<KyExampleReport> {
  // 1. A mock authorization server that accepts only the newest token, plus a protected API.
  const auth = createMockAuthServer({
    tokenUrl: 'http://127.0.0.1/oauth/token',
    clients: [{ clientId: 'orders-app', clientSecret: 'example-secret' }],
    singleActiveToken: true,
  });
  const orders = http.all(
    '/api/orders',
    auth.protect(async ({ request }) =>
      HttpResponse.json(request.method === 'POST' ? { created: await request.json() } : [{ id: 1 }]),
    ),
  );
  await using server = await auth.listen({ handlers: [orders] });

  // 2. One vault per credential: it caches the token and runs at most one refresh at a time.
  await using vault = createTokenVault({
    fetchToken: clientCredentials({
      tokenUrl: server.tokenUrl,
      clientId: 'orders-app',
      clientSecret: 'example-secret',
    }),
  });

  // 3. The hooks authorise requests to the origin of `prefix` (no `origins` option needed).
  const api = ky.create({ prefix: `${server.url}/api/`, hooks: tokenVaultHooks(vault) });

  let requests = 0;
  let succeeded = 0;
  const call = async (run: () => Promise<Response>) => {
    requests += 1;
    if ((await run()).ok) succeeded += 1;
  };

  await Promise.all(Array.from({ length: 20 }, () => call(() => api.get('orders'))));
  log(`20 parallel GETs: ${succeeded} ok, ${auth.stats.tokenRequests} token request(s)`);

  // 4. The server expires every token: the next burst gets 401s, refreshes once, retries once.
  auth.expireAll();
  await Promise.all([
    ...Array.from({ length: 20 }, () => call(() => api.get('orders'))),
    call(() => api.post('orders', { json: { item: 'book' } })),
  ]);
  log(
    `after expiry, 21 requests (one JSON POST): ${succeeded - 20} ok, ${auth.stats.rejectedApiRequests} refused then retried`,
  );
  log(`token requests in total: ${auth.stats.tokenRequests}`);

  return {
    requests,
    succeeded,
    tokenRequests: auth.stats.tokenRequests,
    rejected: auth.stats.rejectedApiRequests,
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await main();
}
