/**
 * The contract every client adapter (axios, ky 1, ky 2, fetch, …) must pass: DESIGN.md's
 * behaviours, measured against the mock authorization server in single-active-token mode.
 *
 * A new adapter gets the whole proof by writing one {@link AdapterContractFactory}: build a
 * client for the given vault and base URL, and translate {@link ContractRequest}s into calls.
 */
import { type Token, TokenRefreshError, type TokenVault, TokVaultError } from '@tokvault/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  type AdapterEnvironment,
  API_BASE_URL,
  API_ORIGIN,
  CONTRACT_TTL_MS,
  type EchoBody,
  OTHER_ORIGIN,
  useAdapterEnvironment,
} from './adapterEnvironment.js';
import { heavy } from './quick.js';

/** A body kind the contract sends. `stream` must NOT be retried; the others must be replayed. */
export type ContractBodyKind = 'json' | 'string' | 'urlencoded' | 'formdata' | 'blob' | 'bytes' | 'stream';

/**
 * A request body, by kind. Send it the client's idiomatic way: `json` through the client's JSON
 * option (axios `data` object, ky `json`, fetch `JSON.stringify` + content type), the others as the body.
 */
export type ContractBody =
  | { kind: 'json'; value: Record<string, unknown> }
  | { kind: 'string'; value: string }
  | { kind: 'urlencoded'; value: URLSearchParams }
  | { kind: 'formdata'; value: FormData }
  | { kind: 'blob'; value: Blob }
  | { kind: 'bytes'; value: Uint8Array }
  | { kind: 'stream'; value: ReadableStream<Uint8Array> };

/** One request of the contract, in client-neutral terms. */
export interface ContractRequest {
  /** HTTP method. */
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /**
   * Either a path relative to the base URL, without a leading slash (`'echo?id=7'`; resolve it
   * the client's way: axios `baseURL`, ky `prefix`/`prefixUrl`, fetch `new URL(path, baseUrl)`),
   * or an absolute URL to another origin (`https://other.contract.test/echo?id=7`).
   */
  url: string;
  /** Optional body. */
  body?: ContractBody | undefined;
  /** Abort signal to pass to the client. */
  signal?: AbortSignal | undefined;
  /** Use the adapter's per-request opt-out (axios/fetch `tokenVault: false`, ky `context`). */
  optOut?: boolean | undefined;
}

/** What `send` resolves with: the final status and the parsed JSON body (or `undefined`). */
export interface ContractResponse {
  status: number;
  body: unknown;
}

/** How a rejection of `send` is classified by {@link AdapterContractClient.classify}. */
export type ContractFailure =
  /** The client's own HTTP error (axios `AxiosError`, ky `HTTPError`) carrying the final status. */
  | { kind: 'http'; status: number }
  /** The vault's `TokenRefreshError`, as thrown. */
  | { kind: 'refresh'; error: TokenRefreshError }
  /** The client's cancellation error (axios `CanceledError`; the signal's reason for ky/fetch). */
  | { kind: 'abort' }
  /** Anything else (fails the contract wherever it appears). */
  | { kind: 'other'; error: unknown };

/** What an adapter provides to the contract. */
export interface AdapterContractClient {
  /** Send a request through the adapter-equipped client; reject as the client would. */
  send(request: ContractRequest): Promise<ContractResponse>;
  /** Classify an error `send` rejected with; `request` is the request that failed. */
  classify(error: unknown, request: ContractRequest): ContractFailure;
  /**
   * How the client reports a final non-2xx response: `'reject'` (axios, ky: an HTTP error) or
   * `'resolve'` (fetch: the plain `Response`).
   */
  readonly httpErrors: 'reject' | 'resolve';
  /** Release the client (detach interceptors, …). Called after each test. */
  close?(): void | Promise<void>;
}

/** What the factory receives for each test. */
export interface AdapterContractSetup {
  /** The vault to attach (closed by the contract after the test). */
  vault: TokenVault;
  /** The protected API's base URL, with a trailing slash: `https://api.contract.test/v1/`. */
  baseUrl: string;
  /** Its origin, for adapters configured with `origins`. */
  origin: string;
  /**
   * Adapter options the test needs, to pass on to the adapter as they are (`header`,
   * `formatHeader`); empty for most tests.
   */
  adapterOptions: ContractAdapterOptions;
}

/**
 * The shared adapter options ({@link AdapterContractSetup.adapterOptions}): the contract tests
 * each of them once per adapter. Pass them on as they are; `origins`, when set, replaces the
 * adapter's default (the base URL's origin, or `origin` for adapters that need one).
 */
export interface ContractAdapterOptions {
  /** Which origins get the token. */
  origins?: string | readonly string[];
  /** Statuses that trigger a refresh. */
  statusCodes?: readonly number[];
  /** Replaces the `statusCodes` check (reads only `status`, which every client's response has). */
  shouldRefresh?: (response: { readonly status: number }) => boolean;
  /** The header that carries the token (e.g. `X-Api-Token`). */
  header?: string;
  /** Build the header value. */
  formatHeader?: (token: Token) => string;
}

/** Builds a fresh client per test. */
export type AdapterContractFactory = (
  setup: AdapterContractSetup,
) => AdapterContractClient | Promise<AdapterContractClient>;

/** Tuning of {@link describeAdapterContract}. */
export interface AdapterContractOptions {
  /**
   * Size of the expired-token bursts.
   * @default 500 (50 with `TOKVAULT_QUICK=1`)
   */
  burst?: number;
  /**
   * Requests in flight during the stale-401 storm.
   * @default 300 (30 with `TOKVAULT_QUICK=1`)
   */
  storm?: number;
}

type Outcome = { ok: true; status: number; body: unknown } | { ok: false; failure: ContractFailure };

/** Build a body of `kind` whose echo is `expected`. */
export function contractBody(kind: ContractBodyKind): { body: ContractBody; expected: string } {
  switch (kind) {
    case 'json':
      return { body: { kind, value: { name: 'ada', n: 1 } }, expected: '{"name":"ada","n":1}' };
    case 'string':
      return { body: { kind, value: 'plain text é' }, expected: 'plain text é' };
    case 'urlencoded':
      return { body: { kind, value: new URLSearchParams({ a: '1', b: 'x y' }) }, expected: 'a=1&b=x+y' };
    case 'formdata': {
      const form = new FormData();
      form.append('field', 'value');
      form.append('file', new Blob(['file-content'], { type: 'text/plain' }), 'a.txt');
      return { body: { kind, value: form }, expected: 'field=value&file=file:file-content' };
    }
    case 'blob':
      return {
        body: { kind, value: new Blob(['blob-content'], { type: 'text/plain' }) },
        expected: 'blob-content',
      };
    case 'bytes':
      return { body: { kind, value: new TextEncoder().encode('byte-content') }, expected: 'byte-content' };
    case 'stream':
      return {
        body: { kind, value: new Blob(['stream-content']).stream() },
        expected: 'stream-content',
      };
  }
}

/**
 * Register the adapter contract as a vitest `describe` block. Each test gets a fresh vault
 * (no retries, on a manual clock shared with the mock server) and a fresh client from `factory`.
 * The API runs under MSW at `https://api.contract.test/v1/` and accepts only the newest token
 * (`singleActiveToken`). Scenarios: `burst` concurrent requests after a client-side and after a
 * server-side expiry (1 token request, all succeed); a stale-401 storm of `storm` requests (the
 * rotation is the only token request, 0 failures); retry once (2 hits, the client's error);
 * `insufficient_scope` not refreshed; body replay per kind (POST, and JSON with PUT/PATCH); a
 * stream body not retried; opt-out; origins; abort during a refresh (at once, others succeed);
 * refresh failure (every request rejects with `TokenRefreshError` whose `cause` is the source's
 * error; the next request succeeds).
 *
 * @example
 * ```ts
 * describeAdapterContract('fetch', ({ vault, baseUrl, origin }) => {
 *   const authFetch = createAuthFetch(vault, { origins: origin });
 *   return {
 *     httpErrors: 'resolve',
 *     send: async ({ method, url, body, signal, optOut }) =>
 *       readContractResponse(
 *         await authFetch(new URL(url, baseUrl), { method, signal, ...toFetchBody(body), tokenVault: !optOut }),
 *       ),
 *     classify: (error, request) => classifyVaultError(error, request) ?? { kind: 'other', error },
 *   };
 * });
 * ```
 */
export function describeAdapterContract(
  name: string,
  factory: AdapterContractFactory,
  options: AdapterContractOptions = {},
): void {
  const { burst = heavy(500), storm = heavy(300) } = options;

  describe(`adapter contract: ${name}`, () => {
    const env: AdapterEnvironment = useAdapterEnvironment();
    let client: AdapterContractClient;
    let vault: TokenVault;
    let nextId = 0;

    const extraClients: AdapterContractClient[] = [];
    beforeEach(async () => {
      vault = env.createVault();
      client = await factory({ vault, baseUrl: API_BASE_URL, origin: API_ORIGIN, adapterOptions: {} });
    });
    afterEach(async () => {
      await client.close?.();
      for (const extra of extraClients.splice(0)) await extra.close?.();
    });
    /** Another client on this test's vault, with adapter options and/or another base URL. */
    async function clientWith(
      adapterOptions: ContractAdapterOptions,
      baseUrl = API_BASE_URL,
    ): Promise<AdapterContractClient> {
      const extra = await factory({ vault, baseUrl, origin: new URL(baseUrl).origin, adapterOptions });
      extraClients.push(extra);
      return extra;
    }

    const id = () => String(++nextId);
    async function send(request: ContractRequest, via = client): Promise<Outcome> {
      try {
        const { status, body } = await via.send(request);
        return { ok: true, status, body };
      } catch (error) {
        return { ok: false, failure: via.classify(error, request) };
      }
    }
    /** The outcome the client reports for a final 401. */
    function final401(outcome: Outcome): void {
      if (client.httpErrors === 'resolve') expect(outcome).toMatchObject({ ok: true, status: 401 });
      else expect(outcome).toEqual({ ok: false, failure: { kind: 'http', status: 401 } });
    }
    async function warmUp(): Promise<void> {
      expect(await send({ method: 'GET', url: `echo?id=warm-${id()}` })).toMatchObject({
        ok: true,
        status: 200,
      });
    }
    const successes = (outcomes: Outcome[]) => outcomes.filter((o) => o.ok && o.status === 200).length;

    // The bursts and the storm take seconds on a loaded machine (hundreds of MSW round trips).
    const slow = { timeout: 60_000 };

    it(
      `${burst} concurrent requests after the token expired: 1 token request, all succeed`,
      slow,
      async () => {
        await warmUp();
        env.advance(CONTRACT_TTL_MS + 1);
        const before = env.auth.stats.tokenRequests;
        const outcomes = await Promise.all(
          Array.from({ length: burst }, () => send({ method: 'GET', url: `echo?id=${id()}` })),
        );
        expect(successes(outcomes)).toBe(burst);
        expect(env.auth.stats.tokenRequests - before).toBe(1);
      },
    );

    it(
      `${burst} concurrent requests after a server-side expiry (401s): 1 token request, all succeed`,
      slow,
      async () => {
        await warmUp();
        env.auth.expireAll();
        const before = env.auth.stats.tokenRequests;
        const outcomes = await Promise.all(
          Array.from({ length: burst }, () => send({ method: 'GET', url: `echo?id=${id()}` })),
        );
        expect(successes(outcomes)).toBe(burst);
        expect(env.auth.stats.tokenRequests - before).toBe(1);
        expect(env.auth.stats.rejectedApiRequests).toBe(burst);
      },
    );

    it(
      `stale-401 storm: token rotated while ${storm} requests are in flight -> no extra refresh, 0 failures`,
      slow,
      async () => {
        await warmUp();
        const gate = env.holdEchoes();
        const pending = Array.from({ length: storm }, () => send({ method: 'GET', url: `echo?id=${id()}` }));
        await expect
          .poll(() => env.hits.length, { interval: 5, timeout: 10_000 })
          .toBeGreaterThanOrEqual(storm + 1);
        const before = env.auth.stats.tokenRequests;
        await vault.refresh(); // rotation: the server now accepts only the new token
        gate.open();
        const outcomes = await Promise.all(pending);
        expect(successes(outcomes)).toBe(storm);
        expect(env.auth.stats.tokenRequests - before).toBe(1);
        expect(env.auth.stats.rejectedApiRequestsByReason.superseded).toBe(storm);
      },
    );

    it('retries once: an always-401 API gets exactly 2 hits per request and the client error', async () => {
      await warmUp();
      const ids = Array.from({ length: 5 }, id);
      const before = env.auth.stats.tokenRequests;
      const outcomes = await Promise.all(ids.map((i) => send({ method: 'GET', url: `always-401?id=${i}` })));
      for (const outcome of outcomes) final401(outcome);
      for (const i of ids) expect(env.hitsOf(i)).toBe(2);
      expect(env.auth.stats.tokenRequests - before).toBe(1);
    });

    it('a 401 with insufficient_scope is not refreshed', async () => {
      await warmUp();
      const i = id();
      const before = env.auth.stats.tokenRequests;
      final401(await send({ method: 'GET', url: `forbidden-scope?id=${i}` }));
      expect(env.hitsOf(i)).toBe(1);
      expect(env.auth.stats.tokenRequests).toBe(before);
    });

    const replayable: ContractBodyKind[] = ['json', 'string', 'urlencoded', 'formdata', 'blob', 'bytes'];
    for (const kind of replayable) {
      for (const method of ['POST', 'PUT', 'PATCH'] as const) {
        if (method !== 'POST' && kind !== 'json') continue;
        it(`replays a ${kind} body intact on the retry (${method})`, async () => {
          await warmUp();
          env.auth.expireAll();
          const i = id();
          const { body, expected } = contractBody(kind);
          const outcome = await send({ method, url: `echo?id=${i}`, body });
          expect(outcome).toMatchObject({ ok: true, status: 200 });
          const echo = (outcome as { body: EchoBody }).body;
          expect(echo).toMatchObject({ id: i, method, authorization: true, body: expected });
          expect(env.hitsOf(i)).toBe(2);
        });
      }
    }

    it('does not retry a stream body (cannot be replayed)', async () => {
      await warmUp();
      env.auth.expireAll();
      const i = id();
      const before = env.auth.stats.tokenRequests;
      final401(await send({ method: 'POST', url: `echo?id=${i}`, body: contractBody('stream').body }));
      expect(env.hitsOf(i)).toBe(1);
      expect(env.auth.stats.tokenRequests).toBe(before);
    });

    it('sends a stream body with the token when no refresh is needed', async () => {
      await warmUp();
      const { body, expected } = contractBody('stream');
      const outcome = await send({ method: 'POST', url: `echo?id=${id()}`, body });
      expect(outcome).toMatchObject({ ok: true, status: 200, body: { body: expected, authorization: true } });
    });

    it('opt-out: no header, no token request, no refresh', async () => {
      const i = id();
      final401(await send({ method: 'GET', url: `echo?id=${i}`, optOut: true }));
      expect(env.hits).toEqual([{ id: i, authorization: null }]);
      expect(env.auth.stats.tokenRequests).toBe(0);
    });

    it('origins: a request to another origin gets no header', async () => {
      await warmUp();
      const outcome = await send({ method: 'GET', url: `${OTHER_ORIGIN}/echo?id=${id()}` });
      expect(outcome).toMatchObject({ ok: true, status: 200, body: { authorization: false } });
    });

    describe('the shared adapter options', () => {
      it('origins replaces the default: a listed origin gets the token, the unlisted base none', async () => {
        const listed = await clientWith({ origins: [OTHER_ORIGIN] });
        const other = await send({ method: 'GET', url: `${OTHER_ORIGIN}/echo?id=${id()}` }, listed);
        expect(other).toMatchObject({ ok: true, status: 200, body: { authorization: true } });
        const i = id();
        final401(await send({ method: 'GET', url: `echo?id=${i}` }, listed));
        expect(env.hits).toEqual([{ id: i, authorization: null }]); // sent once, without a token
        expect(env.auth.stats.tokenRequests).toBe(1); // the other origin's token: no refresh
      });

      it("origins: '*' sends the token to every origin", async () => {
        const everywhere = await clientWith({ origins: '*' });
        const outcome = await send({ method: 'GET', url: `${OTHER_ORIGIN}/echo?id=${id()}` }, everywhere);
        expect(outcome).toMatchObject({ ok: true, status: 200, body: { authorization: true } });
      });

      it('header and formatHeader choose where and how the token is sent', async () => {
        const custom = await clientWith({
          origins: OTHER_ORIGIN,
          header: 'X-Api-Token',
          formatHeader: (token) => `Token ${token.accessToken}`,
        });
        const outcome = await send({ method: 'GET', url: `${OTHER_ORIGIN}/echo?id=${id()}` }, custom);
        expect(outcome).toMatchObject({ ok: true, status: 200, body: { authorization: false } });
        const { headers } = (outcome as { body: EchoBody }).body;
        expect(headers['x-api-token']).toBe(`Token ${vault.peek()?.accessToken}`);
      });

      it('statusCodes: a status not listed is final, not refreshed', async () => {
        await warmUp();
        env.auth.expireAll();
        const only419 = await clientWith({ statusCodes: [419] });
        const i = id();
        const before = env.auth.stats.tokenRequests;
        final401(await send({ method: 'GET', url: `echo?id=${i}` }, only419));
        expect(env.hitsOf(i)).toBe(1);
        expect(env.auth.stats.tokenRequests).toBe(before);
      });

      it('statusCodes listing 401 and 403 still never refreshes for insufficient_scope', async () => {
        await warmUp();
        const listed = await clientWith({ statusCodes: [401, 403] });
        const i = id();
        const before = env.auth.stats.tokenRequests;
        final401(await send({ method: 'GET', url: `forbidden-scope?id=${i}` }, listed));
        expect(env.hitsOf(i)).toBe(1);
        expect(env.auth.stats.tokenRequests).toBe(before);
      });

      it('shouldRefresh replaces the statusCodes check, both ways', async () => {
        await warmUp();
        env.auth.expireAll();
        const never = await clientWith({ shouldRefresh: () => false });
        const n = id();
        const before = env.auth.stats.tokenRequests;
        final401(await send({ method: 'GET', url: `echo?id=${n}` }, never));
        expect(env.hitsOf(n)).toBe(1);
        expect(env.auth.stats.tokenRequests).toBe(before);

        const on401 = await clientWith({ statusCodes: [419], shouldRefresh: (r) => r.status === 401 });
        const y = id();
        expect(await send({ method: 'GET', url: `echo?id=${y}` }, on401)).toMatchObject({
          ok: true,
          status: 200,
        });
        expect(env.hitsOf(y)).toBe(2);
        expect(env.auth.stats.tokenRequests - before).toBe(1);
      });
    });

    for (const phase of ['token expired', 'after a 401'] as const) {
      it(`abort during a refresh (${phase}) rejects that request at once; the others succeed`, async () => {
        await warmUp();
        if (phase === 'token expired') env.advance(CONTRACT_TTL_MS + 1);
        else env.auth.expireAll();
        // The refresh stays in flight until the test opens the gate: no timing involved.
        const tokenGate = env.holdTokenRequests();
        const before = env.auth.stats.tokenRequests;
        const controller = new AbortController();
        const others = Array.from({ length: 5 }, () => send({ method: 'GET', url: `echo?id=${id()}` }));
        const request: ContractRequest = { method: 'GET', url: `echo?id=${id()}`, signal: controller.signal };
        const aborted = send(request);
        await expect.poll(() => tokenGate.arrived, { interval: 2 }).toBe(1);
        controller.abort();
        const outcome = await aborted; // hangs (test timeout) if the abort waited for the refresh
        expect(outcome).toEqual({ ok: false, failure: { kind: 'abort' } });
        expect(env.auth.stats.tokensIssued).toBe(1); // only the warm-up's: the refresh is still held
        tokenGate.open();
        expect(successes(await Promise.all(others))).toBe(5);
        expect(tokenGate.arrived).toBe(1);
        expect(env.auth.stats.tokenRequests - before).toBe(1);
      });
    }

    const badValues: [string, (token: Token) => string][] = [
      ['CR LF (header injection)', (token) => `Bearer ${token.accessToken}\r\nX-Injected: 1`],
      ['NUL', (token) => `Bearer ${token.accessToken}\0`],
      ['a non-ASCII character', (token) => `Bearer ${token.accessToken}é`],
      ['an empty value', () => ''],
      ['a non-string', () => 42 as unknown as string],
    ];
    for (const [what, formatHeader] of badValues) {
      it(`formatHeader returning ${what}: the request fails naming formatHeader, nothing is sent`, async () => {
        const custom = await clientWith({ header: 'X-Api-Token', formatHeader });
        const i = id();
        const outcome = await send({ method: 'GET', url: `echo?id=${i}` }, custom);
        expect(outcome.ok).toBe(false);
        const failure = (outcome as { failure: ContractFailure }).failure;
        expect(failure.kind).toBe('other');
        const error = (failure as { error: unknown }).error;
        expect(error).toBeInstanceOf(TokVaultError);
        expect((error as Error).message).toMatch(
          /option "formatHeader" returned .* not a valid header value/,
        );
        const token = vault.peek()?.accessToken;
        expect(token).toBeTruthy();
        expect((error as Error).message).not.toContain(token);
        expect(env.hitsOf(i)).toBe(0);
      });
    }

    describe('redirects (two real loopback origins: A allowed, B not)', () => {
      const redirect = (from: string, status: number, to: string) =>
        `${from}/redirect?status=${status}&to=${encodeURIComponent(to)}`;
      /** A client whose allowed origin is loopback A, the token in `header`; the token is cached. */
      async function clientOnA(header: string): Promise<AdapterContractClient> {
        await vault.getToken();
        return clientWith(header === 'Authorization' ? {} : { header }, `${env.loopback.a}/`);
      }
      const hitsAt = (server: 'a' | 'b', path: string) =>
        env.loopback.hits.filter((hit) => hit.server === server && hit.path.startsWith(path));

      for (const header of ['Authorization', 'X-Api-Token']) {
        for (const [status, method] of [
          [302, 'GET'],
          [302, 'POST'],
          [307, 'POST'],
        ] as const) {
          it(`${header}: a ${status} (${method}) from A to B does not take the token header to B`, async () => {
            const via = await clientOnA(header);
            const body = method === 'POST' ? contractBody('string').body : undefined;
            const outcome = await send(
              { method, url: redirect(env.loopback.a, status, `${env.loopback.b}/echo`), body },
              via,
            );
            expect(outcome).toMatchObject({ ok: true, status: 200 });
            const [first] = hitsAt('a', '/redirect');
            expect(first?.headers[header.toLowerCase()]).toMatch(/^Bearer /); // the token went to A
            const atB = hitsAt('b', '/echo');
            expect(atB).toHaveLength(1);
            expect(atB[0]?.headers).not.toHaveProperty('authorization');
            expect(atB[0]?.headers).not.toHaveProperty(header.toLowerCase());
            // fetch's method rules: a 302 turns a POST into a GET, a 307 keeps method and body
            expect(atB[0]?.method).toBe(status === 307 ? method : 'GET');
            expect(atB[0]?.body).toBe(status === 307 ? contractBody('string').expected : '');
          });
        }

        it(`${header}: a same-origin redirect (A to A) keeps the token header`, async () => {
          const via = await clientOnA(header);
          const outcome = await send(
            { method: 'GET', url: redirect(env.loopback.a, 302, `${env.loopback.a}/echo`) },
            via,
          );
          expect(outcome).toMatchObject({ ok: true, status: 200 });
          expect(hitsAt('a', '/echo')[0]?.headers[header.toLowerCase()]).toMatch(/^Bearer /);
        });
      }

      it('a 401 from B reached through a redirect is not refreshed nor retried', async () => {
        const via = await clientOnA('X-Api-Token');
        const before = env.auth.stats.tokenRequests;
        final401(
          await send({ method: 'GET', url: redirect(env.loopback.a, 302, `${env.loopback.b}/401`) }, via),
        );
        expect(env.auth.stats.tokenRequests).toBe(before);
        expect(hitsAt('b', '/401')).toHaveLength(1);
        expect(hitsAt('b', '/401')[0]?.headers).not.toHaveProperty('x-api-token');
      });

      it('a 401 from A reached through a same-origin redirect is refreshed and retried once', async () => {
        const via = await clientOnA('Authorization');
        const before = env.auth.stats.tokenRequests;
        final401(
          await send({ method: 'GET', url: redirect(env.loopback.a, 302, `${env.loopback.a}/401`) }, via),
        );
        expect(env.auth.stats.tokenRequests - before).toBe(1);
        const at401 = hitsAt('a', '/401');
        expect(at401).toHaveLength(2);
        expect(at401[0]?.headers.authorization).not.toBe(at401[1]?.headers.authorization);
      });
    });

    for (const phase of ['token expired', 'after a 401'] as const) {
      it(`refresh failure (${phase}): every request rejects with TokenRefreshError, none hangs`, async () => {
        await warmUp();
        // the failure is slow enough that all 20 responses join the one failing refresh
        env.auth.failNext(1, { status: 400, body: { error: 'invalid_client' }, delayMs: 100 });
        const gate = phase === 'token expired' ? undefined : env.holdEchoes();
        if (phase === 'token expired') env.advance(CONTRACT_TTL_MS + 1);
        else env.auth.expireAll();
        const pending = Array.from({ length: 20 }, () => send({ method: 'GET', url: `echo?id=${id()}` }));
        if (gate) {
          await expect.poll(() => env.hits.length, { interval: 2 }).toBe(21);
          gate.open();
        }
        const outcomes = await Promise.all(pending);
        expect(env.sourceErrors).toHaveLength(1);
        for (const outcome of outcomes) {
          expect(outcome.ok).toBe(false);
          const failure = (outcome as { failure: ContractFailure }).failure;
          expect(failure.kind).toBe('refresh');
          // The source's error, as a redacted copy (safe to print).
          expect((failure as { error: TokenRefreshError }).error.cause).toEqual(env.sourceErrors[0]);
        }
        // not cached: the next request refreshes again and succeeds
        expect(await send({ method: 'GET', url: `echo?id=${id()}` })).toMatchObject({
          ok: true,
          status: 200,
        });
      });
    }
  });
}

/** Classify the errors every adapter shares (vault errors); `undefined` = adapter-specific. */
export function classifyVaultError(error: unknown, request: ContractRequest): ContractFailure | undefined {
  if (error instanceof TokenRefreshError) return { kind: 'refresh', error };
  if (request.signal?.aborted && error === request.signal.reason) return { kind: 'abort' };
  return undefined;
}

/**
 * A {@link ContractBody} as `fetch` init fields (`json` is stringified with a JSON content
 * type; a stream gets `duplex: 'half'`). For fetch-based clients (fetch, ky).
 */
export function toFetchBody(body: ContractBody | undefined): RequestInit & { duplex?: 'half' } {
  if (!body) return {};
  if (body.kind === 'json') {
    return { body: JSON.stringify(body.value), headers: { 'Content-Type': 'application/json' } };
  }
  return body.kind === 'stream' ? { body: body.value, duplex: 'half' } : { body: body.value as BodyInit };
}

/** Read a final `Response` as a {@link ContractResponse} (JSON when it says so, else text). */
export async function readContractResponse(response: Response): Promise<ContractResponse> {
  const type = response.headers.get('content-type') ?? '';
  const body: unknown = type.includes('json') ? await response.json() : await response.text();
  return { status: response.status, body };
}
