/**
 * The realistic mode: whole-second `iat`/`exp` as real servers issue them, a skewed server
 * clock, and latency with jitter — next to the exact mode kept for deterministic tests.
 */
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createMockAuthServer, type MockAuthServerOptions } from '../src/index.js';
import { postToken } from './helpers.js';

const tokenUrl = 'https://auth.timing.test/oauth/token';
const app = { id: 'app', secret: 'timing-secret' };
let clock = 1_800_000_000_500; // half-way through a second
const base: MockAuthServerOptions = {
  tokenUrl,
  clients: [{ clientId: 'app', clientSecret: app.secret }],
  accessTokenTtlMs: 3_000,
  accessTokenFormat: 'jwt',
  now: () => clock,
};
const server = setupServer();
beforeAll(() => server.listen({ onUnhandledFrame: 'error' }));
afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
  clock = 1_800_000_000_500;
});
afterAll(() => server.close());

async function issue(options: Partial<MockAuthServerOptions>) {
  const auth = createMockAuthServer({ ...base, ...options });
  server.resetHandlers(...auth.handlers);
  const res = await postToken(tokenUrl, { grant_type: 'client_credentials' }, app);
  const body = (await res.json()) as { access_token: string; expires_in: number };
  const claims = JSON.parse(Buffer.from(body.access_token.split('.')[1]!, 'base64url').toString('utf8'));
  return { auth, token: body.access_token, expiresIn: body.expires_in, iat: claims.iat, exp: claims.exp };
}

describe('timing', () => {
  it("'realistic': a 3 s token issued at x.5 s lives 2.5 s, to the whole second of exp", async () => {
    const { auth, token, expiresIn, iat, exp } = await issue({ timing: 'realistic' });
    expect([expiresIn, iat, exp]).toEqual([3, 1_800_000_000, 1_800_000_003]);
    clock = 1_800_000_002_999;
    expect(auth.introspect(token)?.status).toBe('active');
    clock = 1_800_000_003_000;
    expect(auth.introspect(token)?.status).toBe('expired');
  });

  it("'exact' (the default): the token lives exactly accessTokenTtlMs", async () => {
    const { auth, token } = await issue({});
    clock = 1_800_000_003_499;
    expect(auth.introspect(token)?.status).toBe('active');
    clock = 1_800_000_003_500;
    expect(auth.introspect(token)?.status).toBe('expired');
  });

  it('clockSkewMs moves iat/exp and the expiry checks of the server', async () => {
    const { auth, token, iat } = await issue({ timing: 'realistic', clockSkewMs: 10_000 });
    expect(iat).toBe(1_800_000_010);
    clock = 1_800_000_002_999; // the server's clock reads 12.999 s after issue-time x.0: exp is 13 s
    expect(auth.introspect(token)?.status).toBe('active');
    clock = 1_800_000_003_000;
    expect(auth.introspect(token)?.status).toBe('expired');
  });

  it('latencyJitterMs adds a random 0..jitter delay on top of latencyMs', async () => {
    vi.spyOn(Math, 'random').mockReturnValue(0.5);
    const timers = vi.spyOn(globalThis, 'setTimeout');
    const auth = createMockAuthServer({ ...base, latencyMs: 10, latencyJitterMs: 100 });
    server.resetHandlers(...auth.handlers);
    expect((await postToken(tokenUrl, { grant_type: 'client_credentials' }, app)).status).toBe(200);
    expect(timers.mock.calls.map(([, ms]) => ms)).toContain(60);
  });
});
