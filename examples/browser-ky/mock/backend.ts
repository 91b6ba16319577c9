/**
 * The example's backend, for local runs (`pnpm dev`, `pnpm preview`) and for the end-to-end
 * test: the mock OAuth 2.0 server of `@tokvault/msw` over real HTTP on 127.0.0.1, with
 * rotating refresh tokens and reuse detection, plus a protected API route and a demo login.
 */
import { createMockAuthServer, type MockAuthHttpServer, type MockAuthServer } from '@tokvault/msw';
import { HttpResponse, http } from 'msw';

/** The public (browser) client registered at the mock server. */
export const CLIENT_ID = 'browser-ky-example';

/** A running backend. */
export interface MockBackend {
  /** The mock authorization server: controls (`expireAll`, `revokeAll`) and `stats`. */
  auth: MockAuthServer;
  /** Its HTTP server (origin in `server.url`). */
  server: MockAuthHttpServer;
  /** Vite `server.proxy` / `preview.proxy` entries that make the page and the backend one origin. */
  proxy: Record<string, string>;
  /** Stop the HTTP server. */
  close(): Promise<void>;
}

/** Start the backend on a free port of 127.0.0.1. */
export async function startMockBackend(): Promise<MockBackend> {
  const auth = createMockAuthServer({
    tokenUrl: '/oauth/token',
    clients: [{ clientId: CLIENT_ID, grants: ['refresh_token'] }],
    accessTokenTtlMs: 15 * 60_000,
  });
  const server = await auth.listen({
    handlers: [
      // Stands in for the authorization-code + PKCE redirect: hands out a first refresh token.
      http.post('/demo/login', () => HttpResponse.json({ refresh_token: auth.issueRefreshToken(CLIENT_ID) })),
      http.get(
        '/api/profile',
        auth.protect(({ auth: caller }) =>
          HttpResponse.json({ name: 'Ada Lovelace', client: caller.clientId }),
        ),
      ),
    ],
  });
  const proxy = { '/oauth': server.url, '/api': server.url, '/demo': server.url };
  return { auth, server, proxy, close: () => server.close() };
}
