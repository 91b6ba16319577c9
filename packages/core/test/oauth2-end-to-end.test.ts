import { afterEach, describe, expect, it, vi } from 'vitest';
import { createTokenVault, TokenRefreshError, type TokenVault } from '../src/index.js';
import { clientCredentials } from '../src/oauth2.js';
import { MODES, SECRET, useMockAuth } from './oauth2Harness.js';

const vaults: TokenVault[] = [];
afterEach(async () => {
  await Promise.all(vaults.splice(0).map((vault) => vault.close()));
});

describe.each(MODES)('a vault using clientCredentials over %s', (mode) => {
  const h = useMockAuth(mode, { accessTokenTtlMs: 600_000 });
  function vault(clientSecret = SECRET) {
    const created = createTokenVault({
      fetchToken: clientCredentials({ tokenUrl: h.tokenUrl, clientId: 'app', clientSecret }),
      retry: { retries: 2, baseDelayMs: 0, maxDelayMs: 0 },
    });
    vaults.push(created);
    return created;
  }

  it('200 concurrent getToken() make 1 token request; after expireAll() a forced refresh makes the 2nd', async () => {
    const v = vault();
    const tokens = await Promise.all(Array.from({ length: 200 }, () => v.getToken()));
    expect(new Set(tokens.map((t) => t.accessToken)).size).toBe(1);
    expect(h.auth.stats.tokenRequests).toBe(1);

    h.auth.expireAll();
    expect(h.auth.introspect(tokens[0]!.accessToken)?.status).toBe('expired');
    const [fresh] = await Promise.all(
      Array.from({ length: 50 }, () => v.refresh({ staleToken: tokens[0]! })),
    );
    expect(h.auth.stats.tokenRequests).toBe(2);
    expect(fresh!.accessToken).not.toBe(tokens[0]!.accessToken);
    expect(h.auth.introspect(fresh!.accessToken)?.status).toBe('active');
  });

  it('refreshes once the token expires on the (fake) clock', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const v = vault();
    const first = await v.getToken();
    expect(first.expiresAt).toBe(Date.now() + 599_000); // expires_in minus the whole second
    vi.advanceTimersByTime(600_000);
    expect(h.auth.introspect(first.accessToken)?.status).toBe('expired');
    const second = await v.getToken();
    expect(second.accessToken).not.toBe(first.accessToken);
    expect(h.auth.stats.tokenRequests).toBe(2);
  });

  it('retries a 503 after Retry-After and shares the token', async () => {
    h.auth.failNext(1, { status: 503, retryAfter: 0 });
    const v = vault();
    const tokens = await Promise.all(Array.from({ length: 20 }, () => v.getToken()));
    expect(new Set(tokens.map((t) => t.accessToken)).size).toBe(1);
    expect(h.auth.stats).toMatchObject({ tokenRequests: 2, tokensIssued: 1 });
  });

  it('does not retry invalid_client: every waiter gets the same final error, the next call tries again', async () => {
    const v = vault('wrong');
    const results = await Promise.allSettled(Array.from({ length: 20 }, () => v.getToken()));
    const reasons = new Set(results.map((r) => (r.status === 'rejected' ? r.reason : undefined)));
    expect(reasons.size).toBe(1);
    const [error] = reasons;
    expect(error).toBeInstanceOf(TokenRefreshError);
    expect(error).toMatchObject({ code: 'invalid_client', retryable: false });
    expect(h.auth.stats.tokenRequests).toBe(1);
    await expect(v.getToken()).rejects.toMatchObject({ code: 'invalid_client' });
    expect(h.auth.stats.tokenRequests).toBe(2);
  });
});
