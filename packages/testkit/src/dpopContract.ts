/**
 * The DPoP (RFC 9449) contract every client adapter must pass, with the same
 * {@link AdapterContractFactory} as the adapter contract: a vault with `createDpop()` and the
 * real `clientCredentials` source, against the mock authorization server that verifies every
 * proof (signature, `htm`/`htu`, `iat`, `jti` replay, `ath`, `cnf.jkt`), without and with
 * server nonces. Counts, never times.
 */
import { createTokenVault, type Token, TokenRefreshError, type TokenVault } from '@tokvault/core';
import { createDpop, type Dpop } from '@tokvault/core/dpop';
import { clientCredentials } from '@tokvault/core/oauth2';
import { createMockAuthServer } from '@tokvault/msw';
import { HttpResponse, http } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { AdapterContractClient, AdapterContractFactory, ContractRequest } from './adapterContract.js';
import { API_BASE_URL, API_ORIGIN, CONTRACT_CLIENT } from './adapterEnvironment.js';
import { claimsOf, sha256Base64url } from './jwt.js';
import { heavy } from './quick.js';

/** Tuning of {@link describeDpopContract}. */
export interface DpopContractOptions {
  /**
   * Size of the expired-token bursts and of the nonce rotation burst.
   * @default 300 (30 with `TOKVAULT_QUICK=1`)
   */
  burst?: number;
}

const TTL_MS = 3_600_000;
const TOKEN_URL = 'https://auth.dpop-contract.test/oauth/token';

type Outcome =
  | { ok: true; status: number; body: unknown }
  | { ok: false; error: unknown; request: ContractRequest };

/** The claims of a compact JWS (read, not verified: the mock server verified it). */

/**
 * Register the DPoP contract as vitest `describe` blocks (one without and one with server
 * nonces). Scenarios: every request carries `Authorization: DPoP` and a proof for its own method
 * and URL (checked by the mock, and its claims by the test); `burst` concurrent requests after a
 * client-side and after a server-side expiry: 1 token request, all succeed; a nonce rotation
 * while `burst` requests are in flight: every one resent once with the same token, no refresh;
 * the resend budget (one nonce resend plus one refresh resend, never more); a resource's
 * `invalid_dpop_proof` is final (no refresh); the token endpoint's `invalid_dpop_proof` rejects
 * with a final `TokenRefreshError` of that code.
 *
 * @example
 * ```ts
 * describeDpopContract('fetch', factory); // the factory given to describeAdapterContract
 * ```
 */
export function describeDpopContract(
  name: string,
  factory: AdapterContractFactory,
  options: DpopContractOptions = {},
): void {
  const { burst = heavy(300) } = options;
  for (const nonce of [false, true]) {
    describe(`DPoP contract: ${name}${nonce ? ' (server nonces)' : ''}`, () => {
      let clock = Date.UTC(2026, 0, 1);
      const now = () => clock;
      const auth = createMockAuthServer({
        tokenUrl: TOKEN_URL,
        clients: [CONTRACT_CLIENT],
        accessTokenTtlMs: TTL_MS,
        accessTokenFormat: 'jwt',
        singleActiveToken: true,
        now,
        dpop: { required: true, nonce },
      });
      const hits = new Map<string, number>();
      const count = (request: Request) => {
        const id = new URL(request.url).searchParams.get('id') ?? '';
        hits.set(id, (hits.get(id) ?? 0) + 1);
        return hits.get(id)!;
      };
      let hold: Promise<void> | undefined;
      let release = () => {};
      const dpopChallenge = (error: string) => ({
        status: 401,
        headers: {
          'WWW-Authenticate': `DPoP error="${error}", algs="ES256"`,
          'DPoP-Nonce': crypto.randomUUID(),
        },
      });
      const echo = auth.protect(
        async ({ request, auth: info }) =>
          HttpResponse.json({
            method: request.method,
            body: request.method === 'GET' ? '' : await request.text(),
            authorization: request.headers.get('authorization'),
            dpop: request.headers.get('dpop'),
            jkt: info.jkt,
          }),
        { dpop: true },
      );
      const server = setupServer(
        ...auth.handlers,
        http.all(`${API_ORIGIN}/v1/echo`, async (info) => {
          count(info.request);
          if (hold) await hold;
          return echo(info);
        }),
        // always asks for a (new) nonce: a nonce resend, then final
        http.all(`${API_ORIGIN}/v1/always-nonce`, ({ request }) => {
          count(request);
          return HttpResponse.json({ error: 'use_dpop_nonce' }, dpopChallenge('use_dpop_nonce'));
        }),
        // a nonce first, then a stale token forever: a nonce resend, a refresh resend, then final
        http.all(`${API_ORIGIN}/v1/nonce-then-401`, ({ request }) => {
          const error = count(request) === 1 ? 'use_dpop_nonce' : 'invalid_token';
          return HttpResponse.json({ error }, dpopChallenge(error));
        }),
        http.all(`${API_ORIGIN}/v1/invalid-proof`, ({ request }) => {
          count(request);
          return HttpResponse.json({ error: 'invalid_dpop_proof' }, dpopChallenge('invalid_dpop_proof'));
        }),
      );
      beforeAll(() => server.listen({ onUnhandledFrame: 'error' }));
      afterAll(() => server.close());

      let dpop: Dpop;
      let vault: TokenVault;
      let client: AdapterContractClient;
      const closing: Array<() => unknown> = [];
      const vaultWith = (key: Dpop) =>
        createTokenVault({
          name: 'dpop-contract',
          dpop: key,
          fetchToken: clientCredentials({
            tokenUrl: TOKEN_URL,
            clientId: CONTRACT_CLIENT.clientId,
            clientSecret: CONTRACT_CLIENT.clientSecret,
          }),
          now,
          retry: false,
        });
      beforeEach(async () => {
        dpop = createDpop({ now });
        vault = vaultWith(dpop);
        client = await factory({ vault, baseUrl: API_BASE_URL, origin: API_ORIGIN, adapterOptions: {} });
      });
      afterEach(async () => {
        release();
        hold = undefined;
        await client.close?.();
        await vault.close();
        for (const close of closing.splice(0)) await close();
        auth.reset();
        hits.clear();
      });

      let nextId = 0;
      const id = () => `d${++nextId}`;
      async function send(request: ContractRequest, via = client): Promise<Outcome> {
        try {
          return { ok: true, ...(await via.send(request)) };
        } catch (error) {
          return { ok: false, error, request };
        }
      }
      const get = (path: string) => send({ method: 'GET', url: `${path}?id=${id()}` });
      const successes = (outcomes: Outcome[]) => outcomes.filter((o) => o.ok && o.status === 200).length;
      const finalStatus = (outcome: Outcome) => {
        if (outcome.ok) return outcome.status;
        const failure = client.classify(outcome.error, outcome.request);
        return failure.kind === 'http' ? failure.status : failure;
      };
      async function warmUp(): Promise<Token> {
        expect(await get('echo')).toMatchObject({ ok: true, status: 200 });
        return vault.getToken();
      }
      const slow = { timeout: 60_000 };

      it('every request: Authorization DPoP and a proof for its own method and URL, bound to the key', async () => {
        const token = await warmUp();
        expect(token.tokenType).toBe('DPoP');
        const jkt = await dpop.thumbprint();
        expect(claimsOf(token.accessToken).cnf).toEqual({ jkt });
        for (const request of [
          { method: 'GET', url: `echo?id=${id()}&q=1` },
          { method: 'POST', url: `echo?id=${id()}`, body: { kind: 'json', value: { a: 1 } } },
          { method: 'DELETE', url: `echo?id=${id()}` },
        ] as ContractRequest[]) {
          const outcome = await send(request);
          expect(outcome).toMatchObject({ ok: true, status: 200 });
          const body = (outcome as { body: Record<string, string> }).body;
          expect(body.authorization).toBe(`DPoP ${token.accessToken}`);
          expect(body.jkt).toBe(jkt);
          expect(claimsOf(body.dpop!)).toMatchObject({
            htm: request.method,
            htu: `${API_BASE_URL}echo`,
            ath: await sha256Base64url(token.accessToken),
            iat: Math.floor(clock / 1000),
          });
          if (request.method === 'POST') expect(body.body).toBe('{"a":1}');
        }
        expect(auth.dpop?.stats.invalidProofs).toBe(0);
      });

      it(
        `${burst} concurrent requests after the token expired: 1 token request, all succeed`,
        slow,
        async () => {
          await warmUp();
          clock += TTL_MS + 1;
          const before = auth.stats.tokenRequests;
          const outcomes = await Promise.all(Array.from({ length: burst }, () => get('echo')));
          expect(successes(outcomes)).toBe(burst);
          expect(auth.stats.tokenRequests - before).toBe(1);
          expect(auth.dpop?.stats.invalidProofs).toBe(0);
        },
      );

      it(
        `${burst} concurrent requests after a server-side expiry (401s): 1 token request, all succeed`,
        slow,
        async () => {
          await warmUp();
          auth.expireAll();
          const before = auth.stats.tokenRequests;
          const outcomes = await Promise.all(Array.from({ length: burst }, () => get('echo')));
          expect(successes(outcomes)).toBe(burst);
          expect(auth.stats.tokenRequests - before).toBe(1);
        },
      );

      // Only a server with nonces can rotate one (registered, not skipped, for that server only).
      if (nonce) {
        it(
          `nonce rotation while ${burst} requests are in flight: each resent once with the same token, no refresh`,
          slow,
          async () => {
            const token = await warmUp();
            hold = new Promise<void>((resolve) => {
              release = resolve;
            });
            const before = { tokens: auth.stats.tokenRequests, challenges: auth.dpop!.stats.nonceChallenges };
            const arrived = () => [...hits.values()].reduce((a, b) => a + b, 0);
            const warm = arrived();
            const pending = Array.from({ length: burst }, () => get('echo'));
            await expect.poll(arrived, { interval: 5, timeout: 20_000 }).toBe(warm + burst);
            auth.dpop!.rotateNonce();
            release();
            const outcomes = await Promise.all(pending);
            expect(successes(outcomes)).toBe(burst);
            expect(auth.stats.tokenRequests - before.tokens).toBe(0);
            expect(auth.dpop!.stats.nonceChallenges - before.challenges).toBe(burst);
            expect((await vault.getToken()).accessToken).toBe(token.accessToken);
          },
        );
      }

      it('resend budget: one nonce resend plus one refresh resend, never more', async () => {
        await warmUp();
        const before = auth.stats.tokenRequests;
        const ids = [id(), id(), id()];
        const onlyNonce = await Promise.all(
          ids.map((i) => send({ method: 'GET', url: `always-nonce?id=${i}` })),
        );
        for (const outcome of onlyNonce) expect(finalStatus(outcome)).toBe(401);
        for (const i of ids) expect(hits.get(i)).toBe(2); // a use_dpop_nonce never refreshes
        expect(auth.stats.tokenRequests - before).toBe(0);

        const more = [id(), id(), id()];
        const both = await Promise.all(
          more.map((i) => send({ method: 'PUT', url: `nonce-then-401?id=${i}` })),
        );
        for (const outcome of both) expect(finalStatus(outcome)).toBe(401);
        for (const i of more) expect(hits.get(i)).toBe(3);
        expect(auth.stats.tokenRequests - before).toBe(1); // one coalesced refresh
      });

      it("a resource's invalid_dpop_proof is final: no refresh, no resend", async () => {
        await warmUp();
        const before = auth.stats.tokenRequests;
        const i = id();
        expect(finalStatus(await send({ method: 'GET', url: `invalid-proof?id=${i}` }))).toBe(401);
        expect(hits.get(i)).toBe(1);
        expect(auth.stats.tokenRequests).toBe(before);
      });

      it("the token endpoint's invalid_dpop_proof: a final TokenRefreshError with that code", async () => {
        const skewed = vaultWith(createDpop({ now: () => clock - 10 * 60_000 })); // iat outside the window
        const other = await factory({
          vault: skewed,
          baseUrl: API_BASE_URL,
          origin: API_ORIGIN,
          adapterOptions: {},
        });
        closing.push(
          () => other.close?.(),
          () => skewed.close(),
        );
        const request: ContractRequest = { method: 'GET', url: `echo?id=${id()}` };
        const outcome = await send(request, other);
        expect(outcome.ok).toBe(false);
        const failure = other.classify((outcome as { error: unknown }).error, request);
        expect(failure.kind).toBe('refresh');
        const error = (failure as { error: TokenRefreshError }).error;
        expect(error).toBeInstanceOf(TokenRefreshError);
        expect(error).toMatchObject({ code: 'invalid_dpop_proof', retryable: false });
        expect(String(error)).not.toMatch(/eyJ[\w-]+\.eyJ/);
        expect(auth.stats.tokenRequests).toBe(1);
      });
    });
  }
}
