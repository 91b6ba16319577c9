/**
 * Converting between `node:http` messages and Fetch API `Request`/`Response`, and CORS, for
 * `listen()`. Only type imports from Node.js: nothing here loads a Node built-in.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

/** A Fetch `Request` for a Node.js request (body buffered). */
export async function toRequest(req: IncomingMessage, origin: string, signal: AbortSignal): Promise<Request> {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (Array.isArray(value)) for (const item of value) headers.append(name, item);
    else if (value !== undefined) headers.set(name, value);
  }
  const method = req.method ?? 'GET';
  const chunks: Uint8Array[] = [];
  for await (const chunk of req) chunks.push(chunk as Uint8Array);
  const hasBody = method !== 'GET' && method !== 'HEAD';
  const body = hasBody ? new Blob(chunks as BlobPart[]) : undefined;
  return new Request(new URL(req.url ?? '/', origin), { method, headers, body, signal });
}

/** Write `response` to `res`; a `Response.error()` destroys the socket. */
export async function send(res: ServerResponse, response: Response): Promise<void> {
  if (response.type === 'error') {
    res.socket?.destroy();
    return;
  }
  const headers: [string, string][] = [];
  response.headers.forEach((value, name) => {
    if (name !== 'set-cookie') headers.push([name, value]);
  });
  for (const cookie of response.headers.getSetCookie()) headers.push(['set-cookie', cookie]);
  const body = new Uint8Array(await response.arrayBuffer());
  res.writeHead(response.status, response.statusText, headers.flat());
  res.end(body);
}

const CORS_EXPOSE = 'WWW-Authenticate, Retry-After';

/** `response` with CORS headers for `origin`. */
export function withCors(response: Response, origin: string): Response {
  if (response.type === 'error') return response;
  const headers = new Headers(response.headers);
  headers.set('Access-Control-Allow-Origin', origin);
  headers.set('Access-Control-Expose-Headers', CORS_EXPOSE);
  headers.append('Vary', 'Origin');
  return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
}

/** The answer to a CORS preflight. */
export function preflight(request: Request): Response {
  return new Response(null, {
    status: 204,
    headers: {
      'Access-Control-Allow-Methods': 'GET, HEAD, POST, PUT, PATCH, DELETE',
      'Access-Control-Allow-Headers': request.headers.get('Access-Control-Request-Headers') ?? '*',
      'Access-Control-Max-Age': '600',
    },
  });
}
