/**
 * Small request builders for the mock server's tests (plain `fetch`, so MSW or real HTTP apply).
 */

/** Form-encoded POST to a token endpoint; `basic` sends client credentials in the header. */
export function postToken(
  url: string,
  params: Record<string, string>,
  basic?: { id: string; secret: string },
): Promise<Response> {
  const headers: Record<string, string> = { 'Content-Type': 'application/x-www-form-urlencoded' };
  if (basic)
    headers.Authorization = `Basic ${btoa(`${encodeURIComponent(basic.id)}:${encodeURIComponent(basic.secret)}`)}`;
  return fetch(url, { method: 'POST', headers, body: new URLSearchParams(params) });
}

/** GET with a bearer token (or none). */
export function getWith(url: string, token?: string): Promise<Response> {
  return fetch(url, token === undefined ? {} : { headers: { Authorization: `Bearer ${token}` } });
}
