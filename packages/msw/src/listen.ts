/**
 * `listen()`: the mock server over real HTTP (Node.js only). `node:http` is imported lazily,
 * through a specifier bundlers do not follow, so browser bundles of this package stay free of
 * Node built-ins.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { getResponse, type RequestHandler } from 'msw';
import { preflight, send, toRequest, withCors } from './nodeBridge.js';
import { rejectUnknownOptions } from './options.js';

/**
 * Options of `listen`.
 *
 * @example
 * ```ts
 * const server = await auth.listen({ handlers: [http.get('/api/me', auth.protect(() => HttpResponse.json({})))] });
 * ```
 */
export interface ListenOptions {
  /**
   * TCP port; `0` picks a free one.
   * @default 0
   */
  port?: number | undefined;
  /**
   * Interface to bind.
   * @default '127.0.0.1'
   */
  host?: string | undefined;
  /**
   * Extra MSW request handlers served by the same HTTP server (e.g. protected API routes built
   * with `protect`). They are matched against the LISTEN origin: write them with paths
   * (`/api/me`) or predicates, not with another absolute origin.
   * @default []
   */
  handlers?: readonly RequestHandler[] | undefined;
  /**
   * Answer CORS: preflights get `204`, and every response to a request with an `Origin` echoes
   * it in `Access-Control-Allow-Origin` and exposes `WWW-Authenticate` and `Retry-After`, so a
   * browser app on another loopback port can call the server. `false`: no CORS headers.
   * @default true
   */
  cors?: boolean | undefined;
}

/**
 * A running HTTP server of a mock authorization server.
 *
 * @example
 * ```ts
 * await using server = await auth.listen();
 * const fetchToken = clientCredentials({ tokenUrl: server.tokenUrl, clientId, clientSecret });
 * ```
 */
export interface MockAuthHttpServer {
  /** The origin, e.g. `http://127.0.0.1:53124` (no trailing slash). */
  readonly url: string;
  /** The token endpoint: `url` + the path of the server's `tokenUrl`. */
  readonly tokenUrl: string;
  /** The bound port. */
  readonly port: number;
  /** Stop accepting connections and close open ones. Idempotent. */
  close(): Promise<void>;
  /** Same as `close()`, for `await using`. */
  [Symbol.asyncDispose](): Promise<void>;
}

/** What `listen` serves. */
export interface HttpTarget {
  tokenPath: string;
  /** The server's own paths (answered by `handle`, whatever the method). */
  paths: readonly string[];
  handle(request: Request): Promise<Response>;
}

type NodeHttp = typeof import('node:http');

async function loadHttp(): Promise<NodeHttp> {
  const specifier = 'node:http';
  try {
    return (await import(/* @vite-ignore */ /* webpackIgnore: true */ specifier)) as NodeHttp;
  } catch (cause) {
    throw new Error('listen() needs Node.js (node:http); in a browser use the MSW handlers', { cause });
  }
}

function jsonResponse(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return Response.json(body, { status, headers });
}

/** Serve `target` (and extra MSW handlers) over HTTP. */
export async function listenHttp(
  target: HttpTarget,
  options: ListenOptions = {},
): Promise<MockAuthHttpServer> {
  if (typeof options !== 'object' || options === null)
    throw new TypeError('listen: options must be an object');
  rejectUnknownOptions('listen', options, { port: true, host: true, handlers: true, cors: true });
  const { port = 0, host = '127.0.0.1', handlers = [], cors = true } = options;
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new TypeError('listen: option "port" must be an integer between 0 and 65535');
  }
  if (typeof host !== 'string' || host === '') {
    throw new TypeError('listen: option "host" must be a non-empty string');
  }
  if (!Array.isArray(handlers)) {
    throw new TypeError('listen: option "handlers" must be an array of MSW handlers');
  }
  if (typeof cors !== 'boolean') throw new TypeError('listen: option "cors" must be a boolean');
  const http = await loadHttp();
  let origin = '';

  async function respond(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const controller = new AbortController();
    res.once('close', () => controller.abort());
    const request = await toRequest(req, origin, controller.signal);
    const requestOrigin = cors ? request.headers.get('Origin') : null;
    let response: Response | undefined;
    if (
      requestOrigin !== null &&
      request.method === 'OPTIONS' &&
      request.headers.has('Access-Control-Request-Method')
    ) {
      response = preflight(request);
    } else if (target.paths.includes(new URL(request.url).pathname)) {
      response = await target.handle(request);
    } else {
      response = await getResponse([...handlers], request, { baseUrl: origin });
    }
    response ??= jsonResponse(404, { error: 'not_found' });
    await send(res, requestOrigin === null ? response : withCors(response, requestOrigin));
  }

  const server = http.createServer((req, res) => {
    respond(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ error: 'server_error' }));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  origin = `http://${host.includes(':') ? `[${host}]` : host}:${address.port}`;
  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
    return closing;
  };
  return Object.freeze({
    url: origin,
    tokenUrl: origin + target.tokenPath,
    port: address.port,
    close,
    [Symbol.asyncDispose]: close,
  });
}
