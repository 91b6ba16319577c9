/**
 * One vault per resource: a service that calls two APIs gets one token per API (RFC 8707
 * `resource`), each from its own vault, against the mock authorization server over real HTTP.
 *
 * Run it: `pnpm --filter @tokvault/example-per-resource start`
 *
 * What it shows: a token is for one audience, so each API has its own vault (own `name`, so a
 * shared store keeps them apart) with its own `resource`; each vault makes one token request for
 * a burst; an API refuses a token minted for the other one.
 */
import { pathToFileURL } from 'node:url';
import { createTokenVault } from '@tokvault/core';
import { clientCredentials } from '@tokvault/core/oauth2';
import { createAuthFetch } from '@tokvault/fetch';
import { createMockAuthServer } from '@tokvault/msw';
import { HttpResponse, http } from 'msw';

const ORDERS = 'https://orders.example.com';
const REPORTS = 'https://reports.example.com';

/** What happened, for the test and the console. */
export interface PerResourceReport {
  /** 2xx answers from the orders and the reports API. */
  ok: { orders: number; reports: number };
  /** Token requests, in all. */
  tokenRequests: number;
  /** The status the reports API gave to an orders token. */
  crossAudienceStatus: number;
}

/** Run the example; `log` receives one line per step. */
export async function main(log: (line: string) => void = console.log): Promise<PerResourceReport> {
  const auth = createMockAuthServer({
    tokenUrl: 'http://127.0.0.1/oauth/token',
    clients: [{ clientId: 'dashboard', clientSecret: 'example-secret' }],
  });
  // Each API accepts only tokens whose audience is itself.
  const api = (resource: string) =>
    auth.protect(({ auth: info }) =>
      info.audience === resource
        ? HttpResponse.json({ for: resource })
        : HttpResponse.json({ error: 'invalid_token' }, { status: 401 }),
    );
  await using server = await auth.listen({
    handlers: [http.get('/orders', api(ORDERS)), http.get('/reports', api(REPORTS))],
  });

  const vaultFor = (name: string, resource: string) =>
    createTokenVault({
      name, // its key in a shared store: one entry per resource
      fetchToken: clientCredentials({
        tokenUrl: server.tokenUrl,
        clientId: 'dashboard',
        clientSecret: 'example-secret',
        resource,
      }),
    });
  await using orders = vaultFor('orders', ORDERS);
  await using reports = vaultFor('reports', REPORTS);
  const ordersFetch = createAuthFetch(orders, { origins: server.url });
  const reportsFetch = createAuthFetch(reports, { origins: server.url });

  const ok = { orders: 0, reports: 0 };
  const burst = (call: typeof ordersFetch, path: 'orders' | 'reports') =>
    Array.from({ length: 10 }, async () => {
      if ((await call(`${server.url}/${path}`)).ok) ok[path] += 1;
    });
  await Promise.all([...burst(ordersFetch, 'orders'), ...burst(reportsFetch, 'reports')]);
  log(`20 calls to 2 APIs: ${ok.orders + ok.reports} ok, ${auth.stats.tokenRequests} token requests`);

  // Why one vault per resource: the orders token is refused by the reports API.
  const ordersToken = await orders.getToken();
  const cross = await fetch(`${server.url}/reports`, {
    headers: { Authorization: `Bearer ${ordersToken.accessToken}` },
  });
  await cross.body?.cancel();
  log(`an orders token at the reports API: ${cross.status}`);

  return { ok, tokenRequests: auth.stats.tokenRequests, crossAudienceStatus: cross.status };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await main();
}
