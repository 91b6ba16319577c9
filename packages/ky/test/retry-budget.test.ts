/**
 * The token retry is sent by the hook itself: it works with `retry: 0`, after ky used up
 * `retry.limit`, without backoff, and a second 401 surfaces as ky's HTTPError with the final response.
 */
import type { Token } from '@tokvault/core';
import { tokenVaultHooks } from '@tokvault/ky';
import { API_BASE_URL, API_ORIGIN, type EchoBody, useAdapterEnvironment } from '@tokvault/testkit';
import ky, { HTTPError } from 'ky';
import ky1, { HTTPError as HTTPError1 } from 'ky1';
import { HttpResponse, http } from 'msw';
import { describe, expect, it } from 'vitest';

// `script=503` / `script=401,503,401`: the nth hit of an id answers the nth status; hits past
// the script reach the protected echo (which records them in `env.hits`)
const scriptedHits = new Map<string, number>();
let beforeScripted503: (() => Promise<unknown>) | undefined;
const scripted = http.all(`${API_ORIGIN}/v1/echo`, async ({ request }) => {
  const url = new URL(request.url);
  const id = url.searchParams.get('id') ?? '';
  const n = scriptedHits.get(id) ?? 0;
  scriptedHits.set(id, n + 1);
  const status = Number(url.searchParams.get('script')?.split(',')[n]);
  if (!status) return undefined;
  if (status === 503) await beforeScripted503?.();
  const headers: Record<string, string> =
    status === 401 ? { 'WWW-Authenticate': 'Bearer error="invalid_token"' } : {};
  return HttpResponse.json({ error: 'scripted' }, { status, headers });
});
const env = useAdapterEnvironment(scripted);

const versions = [
  { name: 'ky 2', create: (o: object) => ky.create({ baseUrl: API_BASE_URL, ...o }), HTTPError },
  {
    name: 'ky 1.14',
    create: (o: object) => ky1.create({ prefixUrl: API_BASE_URL, ...o }),
    HTTPError: HTTPError1,
  },
];

describe.each(versions)('$name', ({ name, create, HTTPError: KyHTTPError }) => {
  async function expiredSession() {
    const vault = env.createVault();
    await vault.getToken();
    env.auth.expireAll();
    return vault;
  }

  it.each(['GET', 'POST', 'PUT', 'PATCH'] as const)(
    'retry: 0 -> the token retry still happens (%s)',
    async (method) => {
      const vault = await expiredSession();
      const api = create({ retry: 0, hooks: tokenVaultHooks(vault) });
      const json = method === 'GET' ? undefined : { method };
      const body = (await api('echo?id=r0', { method, json }).json()) as EchoBody;
      expect(body).toMatchObject({ method, body: json ? JSON.stringify(json) : '' });
      expect(env.hitsOf('r0')).toBe(2);
      expect(env.auth.stats.tokenRequests).toBe(2);
    },
  );

  it('after ky used up retry.limit on a 503, the 401 is still refreshed and retried', async () => {
    const vault = await expiredSession();
    const api = create({ retry: { limit: 1, delay: () => 0 }, hooks: tokenVaultHooks(vault) });
    const body = (await api.get(`echo?id=limit-${name}&script=503`).json()) as EchoBody;
    expect(body).toMatchObject({ method: 'GET', authorization: true });
    expect(env.hitsOf(`limit-${name}`)).toBe(2); // the 503 is answered before the echo records hits
    expect(env.auth.stats.rejectedApiRequests).toBe(1);
    expect(env.auth.stats.tokenRequests).toBe(2);
  });

  it("a second 401 is ky's HTTPError carrying the final (retried) response", async () => {
    const vault = await expiredSession();
    const api = create({ hooks: tokenVaultHooks(vault) });
    const error = await api.get('always-401?id=final').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KyHTTPError);
    const response = (error as HTTPError).response;
    expect(response.status).toBe(401);
    // ky 2 has read the body into `error.data`; ky 1 leaves it on the response
    const data = 'data' in (error as object) ? (error as { data: unknown }).data : await response.json();
    expect(data).toMatchObject({ hit: 2 });
    expect(env.hitsOf('final')).toBe(2);
  });

  it('one token retry per ky call: a 401 after ky retried a 5xx of the token retry is final', async () => {
    const vault = env.createVault();
    await vault.getToken();
    const api = create({ retry: { limit: 1, delay: () => 0 }, hooks: tokenVaultHooks(vault) });
    const error = await api.get(`echo?id=once-${name}&script=401,503,401`).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KyHTTPError);
    expect((error as HTTPError).response.status).toBe(401);
    expect(scriptedHits.get(`once-${name}`)).toBe(3);
    expect(env.auth.stats.tokenRequests).toBe(2);
  });

  it('the retry uses the `fetch` option when given', async () => {
    const vault = await expiredSession();
    const sent: string[] = [];
    const api = create({
      hooks: tokenVaultHooks(vault, {
        fetch: (request) => {
          sent.push(request.url);
          return globalThis.fetch(request);
        },
      }),
    });
    await api.get('echo?id=custom').json();
    expect(sent).toEqual([`${API_BASE_URL}echo?id=custom`]);
  });

  it("a ky retry (5xx) after a token rotation carries the vault's current token", async () => {
    const vault = env.createVault();
    const first = await vault.getToken();
    const api = create({ retry: { limit: 1, delay: () => 0 }, hooks: tokenVaultHooks(vault) });
    // the request leaves with the first token; the server rotates it, then answers 503; ky's retry must carry the new one
    let rotated: Promise<Token> | undefined;
    beforeScripted503 = () => (rotated = vault.refresh());
    const body = (await api.get(`echo?id=rot-${name}&script=503`).json()) as EchoBody;
    beforeScripted503 = undefined;
    const current = await rotated!;
    expect(current.accessToken).not.toBe(first.accessToken);
    expect(body.headers.authorization).toBe(`Bearer ${current.accessToken}`);
    expect(env.auth.stats.rejectedApiRequests).toBe(0);
  });
});
