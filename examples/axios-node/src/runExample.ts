/**
 * Run the example against the mock authorization server over real HTTP: a burst of requests,
 * a server-side expiry (every request then gets a 401), and another burst. Prints and returns
 * what happened; `pnpm --filter @tokvault/example-axios-node start` runs it.
 */
import { createMockAuthServer } from '@tokvault/msw';
import { HttpResponse, http } from 'msw';
import { createInventoryClient, type Item } from './inventoryClient.js';

/** What a run observed. */
export interface ExampleReport {
  /** Requests that succeeded. */
  successes: number;
  /** Requests that failed. */
  failures: number;
  /** Requests the token endpoint received. */
  tokenRequests: number;
  /** API requests refused with 401 (each was retried once with a fresh token). */
  rejectedApiRequests: number;
  /** Items created by the POSTs (their bodies were replayed after a 401). */
  created: Item[];
}

/** Run the scenario with `burst` concurrent requests per phase. */
export async function runExample(burst = 50): Promise<ExampleReport> {
  const auth = createMockAuthServer({
    tokenUrl: '/oauth/token',
    clients: [{ clientId: 'inventory-service', clientSecret: 'example-secret' }],
    singleActiveToken: true, // like single-session APIs: only the newest token works
  });
  const items: Item[] = [];
  const server = await auth.listen({
    handlers: [
      http.get(
        '/api/items/:id',
        auth.protect(({ params }) => HttpResponse.json({ id: Number(params.id), name: 'x' })),
      ),
      http.post<never, { name: string }>(
        '/api/items',
        auth.protect(async ({ request }) => {
          const item = { id: items.length + 1, name: (await request.json()).name };
          items.push(item);
          return HttpResponse.json(item, { status: 201 });
        }),
      ),
    ],
  });
  const client = createInventoryClient({
    apiUrl: `${server.url}/api`,
    tokenUrl: server.tokenUrl,
    clientId: 'inventory-service',
    clientSecret: 'example-secret',
  });
  try {
    const phase = () =>
      Promise.allSettled(
        Array.from({ length: burst }, (_, i) =>
          i % 10 === 0 ? client.addItem(`item-${i}`) : client.getItem(i),
        ),
      );
    const results = [...(await phase())];
    auth.expireAll(); // the server forgets every token: all requests of the next burst get a 401
    results.push(...(await phase()));
    const report: ExampleReport = {
      successes: results.filter((r) => r.status === 'fulfilled').length,
      failures: results.filter((r) => r.status === 'rejected').length,
      tokenRequests: auth.stats.tokenRequests,
      rejectedApiRequests: auth.stats.rejectedApiRequests,
      created: items,
    };
    return report;
  } finally {
    await client.close();
    await server.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const report = await runExample();
  console.log(
    `${report.successes} requests succeeded, ${report.failures} failed; ` +
      `${report.tokenRequests} token requests; ${report.rejectedApiRequests} 401s retried; ` +
      `${report.created.length} items created`,
  );
}
