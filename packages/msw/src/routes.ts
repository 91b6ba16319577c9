/**
 * The server's endpoints by path and method, shared by the MSW handlers and `listen()`. A known
 * path with the wrong method gets what oidc-provider answers: a plain-text `404 Not Found`.
 */
import { handleAuthorize } from './authorizationCode.js';
import type { EndpointPaths, ServerContext } from './context.js';
import { handleJwks, handleMetadata } from './discovery.js';
import { handleIntrospect, handleRevoke } from './revocation.js';

/** Answers a request to one of the server's paths. */
export type Route = (request: Request) => Promise<Response>;

/** Path → (method → handler), and the dispatcher. */
export function createRoutes(
  ctx: ServerContext,
  paths: EndpointPaths,
  handleToken: Route,
): { paths: readonly string[]; handle: Route } {
  const table = new Map<string, Record<string, Route>>([
    [paths.token, { POST: handleToken }],
    [paths.authorize, { GET: async (request) => handleAuthorize(ctx, request) }],
    [paths.jwks, { GET: () => handleJwks(ctx) }],
    [paths.revoke, { POST: (request) => handleRevoke(ctx, request) }],
    [paths.introspect, { POST: (request) => handleIntrospect(ctx, request) }],
    [paths.oauthMetadata, { GET: async (request) => handleMetadata(ctx, paths, request) }],
    [paths.openidMetadata, { GET: async (request) => handleMetadata(ctx, paths, request) }],
  ]);
  return {
    paths: [...table.keys()],
    handle(request) {
      const { pathname } = new URL(request.url);
      const route = table.get(pathname)?.[request.method];
      if (route) return route(request);
      const headers = { 'Content-Type': 'text/plain; charset=utf-8' };
      return Promise.resolve(new Response('Not Found', { status: 404, headers }));
    },
  };
}
