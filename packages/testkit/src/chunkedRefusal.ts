/**
 * A loopback API that refuses the first token with a 401 of unknown length (headers first, the
 * body 20 ms later, chunked, as Node sends `res.writeHead(401).end(body)`) and accepts the second,
 * with the token source for it: the second token comes only after the 401's body was sent, as a
 * real token call in a burst ends after the refusals. An adapter that reads the refused body
 * before its resend reuses the connection (1 in all); one that cancels it may close it (2).
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A running {@link startChunkedRefusalApi}. */
export interface ChunkedRefusalApi extends AsyncDisposable {
  /** `http://127.0.0.1:<port>`: every path answers the same way. */
  readonly origin: string;
  /** TCP connections the API accepted so far. */
  readonly connections: number;
  /** Calls of {@link ChunkedRefusalApi.fetchToken} so far. */
  readonly calls: number;
  /** The vault's `fetchToken`: `'first'` (refused), then `'second'` once the 401's body is sent. */
  fetchToken(): Promise<string>;
}

/**
 * Start a {@link ChunkedRefusalApi} on a free loopback port.
 *
 * @example
 * ```ts
 * await using api = await startChunkedRefusalApi();
 * await using vault = createTokenVault({ fetchToken: api.fetchToken });
 * // … one request through the adapter, then: expect(api.connections).toBe(1);
 * ```
 */
export async function startChunkedRefusalApi(): Promise<ChunkedRefusalApi> {
  let ended!: () => void;
  const refused = new Promise<void>((resolve) => {
    ended = resolve;
  });
  let [connections, calls] = [0, 0];
  const server = createServer((req, res) => {
    if (req.headers.authorization === 'Bearer second') return void res.end('ok');
    res.writeHead(401, { 'www-authenticate': 'Bearer error="invalid_token"' }).flushHeaders();
    res.on('close', () => setTimeout(ended, 50)); // sent, or the connection was closed
    setTimeout(() => res.end('{"error":"invalid_token"}'), 20);
  });
  server.on('connection', () => connections++);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    get connections() {
      return connections;
    },
    get calls() {
      return calls;
    },
    fetchToken: async () => (++calls === 1 ? 'first' : refused.then(() => 'second')),
    async [Symbol.asyncDispose]() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
