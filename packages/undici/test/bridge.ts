/**
 * The contract's API lives in MSW handlers (`https://api.contract.test`, …), which MSW serves
 * to the global `fetch` but not to undici's sockets. The bridge is a real loopback HTTP server
 * that answers each request by asking MSW (through the patched global `fetch`) for the same
 * URL; `connectTo` makes an undici `Agent` dial the bridge for every origin. So undici runs
 * for real (sockets, parser, bodies, interceptors) and MSW's handlers answer.
 */
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { connect } from 'node:net';
import { afterAll, beforeAll } from 'vitest';

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'host', 'content-length']);

async function readAll(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** Start the bridge for the current file; `port()` is its port once `beforeAll` ran. */
export function useMswBridge(): { port: () => number } {
  const server = createServer(async (req, res) => {
    try {
      const headers = new Headers();
      for (const [name, value] of Object.entries(req.headers)) {
        if (!HOP_BY_HOP.has(name) && value !== undefined) headers.set(name, String(value));
      }
      const body =
        req.method === 'GET' || req.method === 'HEAD' ? undefined : new Uint8Array(await readAll(req));
      const response = await globalThis.fetch(`https://${req.headers.host}${req.url}`, {
        method: req.method,
        headers,
        body,
        redirect: 'manual',
      });
      const out = Buffer.from(await response.arrayBuffer());
      const responseHeaders: Record<string, string> = {};
      response.headers.forEach((value, name) => {
        if (!HOP_BY_HOP.has(name) && name !== 'content-encoding') responseHeaders[name] = value;
      });
      res.writeHead(response.status, { ...responseHeaders, 'content-length': out.byteLength });
      res.end(out);
    } catch (error) {
      res.writeHead(502).end(String(error));
    }
  });
  beforeAll(() => new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve)));
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return { port: () => (server.address() as AddressInfo).port };
}

/**
 * An undici `connect` option that dials `port` on loopback, whatever the origin, except
 * `http://127.0.0.1:<port>` origins (real loopback servers), which it dials as they are.
 */
export const connectTo =
  (port: () => number) =>
  (
    options: { hostname?: string; port?: string | number },
    callback: (error: Error | null, socket: unknown) => void,
  ): unknown => {
    const direct = options.hostname === '127.0.0.1' && options.port;
    const socket = connect(direct ? Number(options.port) : port(), '127.0.0.1');
    socket.once('connect', () => callback(null, socket)).once('error', (error) => callback(error, null));
    return socket;
  };
