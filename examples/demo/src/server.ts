/**
 * The demo's servers, on loopback: the mock authorization server (`@tokvault/msw`, single-session
 * mode: a new token invalidates the client's older ones) and a protected API, one route per
 * client. The API waits a random 0-`jitterMs` before checking the token, so an expiry can land
 * while requests are in flight; it counts the 401s it sends to each client.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { createMockAuthServer, type MockAuthHttpServer, type MockAuthServer } from '@tokvault/msw';
import { HttpResponse, http } from 'msw';

/** The running demo servers. */
export interface DemoServer {
  readonly auth: MockAuthServer;
  readonly http: MockAuthHttpServer;
  /** 401 answers sent per client (API route), i.e. requests the client had to retry. */
  readonly unauthorized: Map<string, number>;
  /** The API base URL of one client. */
  apiUrl(client: string): string;
  close(): Promise<void>;
}

/** Options of {@link startDemoServer}. */
export interface DemoServerOptions {
  clients: readonly { name: string; clientId: string; clientSecret: string }[];
  tokenTtlMs: number;
  jitterMs: number;
}

/** Start the mock authorization server and the protected API on a free loopback port. */
export async function startDemoServer(options: DemoServerOptions): Promise<DemoServer> {
  const auth = createMockAuthServer({
    tokenUrl: '/oauth/token',
    clients: options.clients.map(({ clientId, clientSecret }) => ({ clientId, clientSecret })),
    accessTokenTtlMs: options.tokenTtlMs,
    singleActiveToken: true,
  });
  const unauthorized = new Map(options.clients.map((c) => [c.name, 0]));
  const orders = auth.protect(({ auth: caller }) =>
    HttpResponse.json({ orders: [], client: caller.clientId }),
  );
  const server = await auth.listen({
    handlers: [
      http.get('/api/:client/orders', async (info) => {
        await sleep(Math.random() * options.jitterMs);
        const response = await orders(info);
        const client = String(info.params.client);
        if (response instanceof Response && response.status === 401) {
          unauthorized.set(client, (unauthorized.get(client) ?? 0) + 1);
        }
        return response;
      }),
    ],
  });
  return {
    auth,
    http: server,
    unauthorized,
    apiUrl: (client) => `${server.url}/api/${client}`,
    close: () => server.close(),
  };
}
