import { HttpResponse, http } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, expect, it, vi } from 'vitest';
import { createMockAuthServer } from '../src/index.js';
import { getWith, postToken } from './helpers.js';

const tokenUrl = 'https://auth.example.test/oauth/token';
const api = 'https://api.example.test/me';
const server = setupServer();

beforeAll(() => server.listen({ onUnhandledFrame: 'error' }));
afterEach(() => vi.useRealTimers());
afterAll(() => server.close());

function setup(reuseGraceMs?: number) {
  const auth = createMockAuthServer({ tokenUrl, clients: [{ clientId: 'spa' }], reuseGraceMs });
  server.use(
    ...auth.handlers,
    http.get(
      api,
      auth.protect(() => HttpResponse.json({ ok: true })),
    ),
  );
  return auth;
}

async function redeem(refreshToken: string) {
  const res = await postToken(tokenUrl, {
    grant_type: 'refresh_token',
    refresh_token: refreshToken,
    client_id: 'spa',
  });
  return { status: res.status, body: await res.json() };
}

it(
  'revokes the whole family when a rotated refresh token is redeemed again',
  server.boundary(async () => {
    const auth = setup();
    const original = auth.issueRefreshToken('spa');
    const first = await redeem(original);
    const second = await redeem(first.body.refresh_token);
    expect(second.status).toBe(200);

    const reuse = await redeem(original);
    expect(reuse).toEqual({
      status: 400,
      body: { error: 'invalid_grant', error_description: expect.stringContaining('reuse detected') },
    });
    expect(auth.stats.reuseDetections).toBe(1);
    // The family's newest refresh token and every access token of the family are dead now.
    expect((await redeem(second.body.refresh_token)).body.error).toBe('invalid_grant');
    expect((await getWith(api, second.body.access_token)).status).toBe(401);
    expect(auth.introspect(second.body.access_token)?.status).toBe('revoked');
    expect(auth.stats.rejectedApiRequestsByReason.revoked).toBe(1);
  }),
);

it(
  'leaves other families alone',
  server.boundary(async () => {
    const auth = setup();
    const victim = auth.issueRefreshToken('spa');
    const bystander = await redeem(auth.issueRefreshToken('spa'));
    await redeem(victim);
    await redeem(victim);
    expect(auth.stats.reuseDetections).toBe(1);
    expect((await getWith(api, bystander.body.access_token)).status).toBe(200);
    expect((await redeem(bystander.body.refresh_token)).status).toBe(200);
  }),
);

it(
  'accepts a rotated refresh token again within reuseGraceMs, and detects reuse after it',
  server.boundary(async () => {
    vi.useFakeTimers({ toFake: ['Date', 'setTimeout', 'clearTimeout'] });
    const auth = setup(5_000);
    const original = auth.issueRefreshToken('spa');
    const tabA = await redeem(original);
    vi.advanceTimersByTime(4_999);
    const tabB = await redeem(original);
    expect(tabB.status).toBe(200);
    expect(tabB.body.refresh_token).not.toBe(tabA.body.refresh_token);
    expect(auth.stats.reuseDetections).toBe(0);
    vi.advanceTimersByTime(1);
    expect((await redeem(original)).body.error).toBe('invalid_grant');
    expect(auth.stats.reuseDetections).toBe(1);
  }),
);

it(
  'counts two concurrent redemptions of one refresh token as reuse without a grace period',
  server.boundary(async () => {
    const auth = setup();
    const original = auth.issueRefreshToken('spa');
    const results = await Promise.all([redeem(original), redeem(original)]);
    expect(results.map((r) => r.status).sort()).toEqual([200, 400]);
    expect(auth.stats.reuseDetections).toBe(1);
  }),
);
