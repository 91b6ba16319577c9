/**
 * `createAuthFetch` keeps `fetch`'s signature: string, URL and Request inputs, init merging,
 * the `fetch` option, the opt-out, and the creation-time TypeError without `origins`.
 */
import { createAuthFetch } from '@tokvault/fetch';
import {
  API_BASE_URL,
  API_ORIGIN,
  type EchoBody,
  OTHER_ORIGIN,
  useAdapterEnvironment,
} from '@tokvault/testkit';
import { describe, expect, it, vi } from 'vitest';

const env = useAdapterEnvironment();
const url = (id: string) => `${API_BASE_URL}echo?id=${id}`;

async function expiredSession() {
  const vault = env.createVault();
  await vault.getToken();
  env.auth.expireAll();
  return vault;
}

describe('inputs', () => {
  it.each([
    ['a string', (id: string) => url(id)],
    ['a URL', (id: string) => new URL(url(id))],
    ['a Request', (id: string) => new Request(url(id), { headers: { 'X-Trace': 't1' } })],
  ])('%s is authorised, refreshed after a 401 and retried once', async (_, input) => {
    const authFetch = createAuthFetch(await expiredSession(), { origins: API_ORIGIN });
    const response = await authFetch(input('in'));
    expect(response.status).toBe(200);
    expect(env.hits.map((hit) => hit.authorization?.startsWith('Bearer '))).toEqual([true, true]);
    expect(env.auth.stats.tokenRequests).toBe(2);
  });

  it("keeps a Request's headers, and init headers win over them", async () => {
    const authFetch = createAuthFetch(env.createVault(), { origins: API_ORIGIN });
    const request = new Request(url('h'), { headers: { 'X-Trace': 'from-request', 'X-Other': 'kept' } });
    const body = (await (await authFetch(request)).json()) as EchoBody;
    expect(body.headers).toMatchObject({ 'x-trace': 'from-request', 'x-other': 'kept' });
    const overridden = (await (
      await authFetch(request, { headers: { 'X-Trace': 'from-init' } })
    ).json()) as EchoBody;
    expect(overridden.headers['x-trace']).toBe('from-init');
  });

  it('a body inside a Request input cannot be replayed: its 401 is returned without a retry', async () => {
    const authFetch = createAuthFetch(await expiredSession(), { origins: API_ORIGIN });
    const response = await authFetch(new Request(url('rb'), { method: 'POST', body: 'in the request' }));
    expect(response.status).toBe(401);
    expect(env.hitsOf('rb')).toBe(1);
  });

  it('a body in init next to a Request input is replayed', async () => {
    const authFetch = createAuthFetch(await expiredSession(), { origins: API_ORIGIN });
    const response = await authFetch(new Request(url('ib'), { method: 'POST' }), {
      method: 'POST',
      body: 'in init',
    });
    expect(await response.json()).toMatchObject({ body: 'in init' });
    expect(env.hitsOf('ib')).toBe(2);
  });

  it('a body in init wins over the body of a Request input, on both sends', async () => {
    const authFetch = createAuthFetch(await expiredSession(), { origins: API_ORIGIN });
    const request = new Request(url('ic'), { method: 'POST', body: 'in request' });
    const response = await authFetch(request, { method: 'POST', body: 'in init' });
    expect(await response.json()).toMatchObject({ body: 'in init' });
    expect(env.hitsOf('ic')).toBe(2);
  });
});

describe('options', () => {
  it('throws a TypeError explaining `origins` when none is given', () => {
    const vault = env.createVault();
    expect(() => createAuthFetch(vault)).toThrow(TypeError);
    expect(() => createAuthFetch(vault)).toThrow(/option "origins" is required.*'\*'/);
    expect(() => createAuthFetch(vault, null as never)).toThrow('createAuthFetch: options must be an object');
  });

  it('throws a TypeError naming "vault" when it is not a TokenVault', () => {
    expect(() => createAuthFetch({} as never, { origins: '*' })).toThrow(
      new TypeError('createAuthFetch: "vault" must be a TokenVault from createTokenVault()'),
    );
  });

  it("in a browser, `origins` defaults to the page's origin", async () => {
    vi.stubGlobal('location', new URL(`${API_ORIGIN}/app/`));
    try {
      const authFetch = createAuthFetch(env.createVault());
      expect(await (await authFetch('/v1/echo?id=rel')).json()).toMatchObject({ authorization: true });
      expect(await (await authFetch(`${OTHER_ORIGIN}/echo`)).json()).toMatchObject({ authorization: false });
    } finally {
      vi.unstubAllGlobals();
    }
  });

  it('has the signature of fetch', () => {
    const typed: typeof globalThis.fetch = createAuthFetch(env.createVault(), { origins: '*' });
    expect(typed).toBeTypeOf('function');
  });

  it('`fetch` is the implementation used for every send; `tokenVault` never reaches it', async () => {
    const inits: (RequestInit | undefined)[] = [];
    const authFetch = createAuthFetch(await expiredSession(), {
      origins: API_ORIGIN,
      fetch: (input, init) => {
        inits.push(init);
        return globalThis.fetch(input, init);
      },
    });
    expect((await authFetch(url('f'))).status).toBe(200);
    expect((await authFetch(url('g'), { tokenVault: false })).status).toBe(401);
    expect(inits).toHaveLength(3);
    for (const init of inits) expect(init).not.toHaveProperty('tokenVault');
  });

  it.each([
    [{ origins: 'ftp:nope' }, 'origins'],
    [{ origins: 42 }, 'origins'],
    [{ statusCodes: '401' }, 'statusCodes'],
    [{ header: '' }, 'header'],
    [{ fetch: {} }, 'fetch'],
  ])('invalid %o -> TypeError naming "%s"', (options, name) => {
    const vault = env.createVault();
    expect(() => createAuthFetch(vault, { origins: '*', ...(options as object) })).toThrow(
      new RegExp(`createAuthFetch: option "${name}"`),
    );
  });
});

describe('the 401 that is resent', () => {
  /** A real 401 Response whose body records whether it was read to its end or cancelled. */
  function recorded401(body: string | null, length: string | undefined, endless = false) {
    const seen = { cancelled: false, read: false };
    const bytes = new TextEncoder().encode(body ?? '');
    const stream =
      body === null
        ? null
        : new ReadableStream<Uint8Array>(
            {
              pull(controller) {
                controller.enqueue(bytes);
                if (!endless) controller.close();
                seen.read = true;
              },
              cancel() {
                seen.cancelled = true;
              },
            },
            { highWaterMark: 0 },
          ); // pulled only when read
    const headers = length === undefined ? undefined : { 'content-length': length };
    return { seen, response: new Response(stream, { status: 401, headers }) };
  }

  it.each([
    ['no body', null, undefined, { cancelled: false, read: false }],
    ['content-length: 0', '', '0', { cancelled: false, read: true }],
    ['a small body', '{"error":"invalid_token"}', '25', { cancelled: false, read: true }],
    // Chunked (no length), as `res.writeHead(401).end()` in Node sends it: read, the connection stays.
    ['a small body of unknown length', 'x', undefined, { cancelled: false, read: true }],
    ['an endless body of unknown length', 'x'.repeat(16 * 1024), undefined, { cancelled: true, read: true }],
    ['a body over 64 KiB', 'x', String(64 * 1024 + 1), { cancelled: true, read: false }],
  ])(
    '%s: read to its end up to 64 KiB, else cancelled (at once when its length says so)',
    async (_, body, length, expected) => {
      const first = recorded401(body, length, _.startsWith('an endless'));
      let sends = 0;
      const authFetch = createAuthFetch(env.createVault(), {
        origins: API_ORIGIN,
        fetch: async () => (sends++ === 0 ? first.response : new Response('ok')),
      });
      expect((await authFetch(url('d'))).status).toBe(200);
      await new Promise((resolve) => setImmediate(resolve));
      expect(first.seen).toEqual(expected);
    },
  );
});
