import { describe, expect, it, vi } from 'vitest';
import { createToken, TokenRefreshError } from '../src/index.js';
import { type RefreshTokenGrantOptions, refreshTokenGrant } from '../src/oauth2.js';
import { context, MODES, SECRET, TOKEN_URL, useMockAuth } from './oauth2Harness.js';

async function failure(promise: Promise<unknown>, ...secrets: string[]): Promise<TokenRefreshError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(TokenRefreshError);
  const refreshError = error as TokenRefreshError;
  for (const secret of [SECRET, ...secrets]) {
    expect(refreshError.message).not.toContain(secret);
    expect(JSON.stringify(refreshError.cause ?? null)).not.toContain(secret);
  }
  return refreshError;
}

describe.each(MODES)('refreshTokenGrant over %s', (mode) => {
  const h = useMockAuth(mode);
  const source = (refreshToken: string, extra: Partial<RefreshTokenGrantOptions> = {}) =>
    refreshTokenGrant({
      tokenUrl: h.tokenUrl,
      clientId: 'app',
      clientSecret: SECRET,
      refreshToken,
      ...extra,
    });

  it('redeems the refresh token, follows rotation and hands each new one to onRefreshToken', async () => {
    const initial = h.auth.issueRefreshToken('app');
    const persisted: string[] = [];
    const fetchToken = source(initial, { onRefreshToken: (next) => void persisted.push(next) });
    const first = await fetchToken(context());
    expect(first).toMatchObject({
      accessToken: expect.stringMatching(/^mock_at_/),
      expiresIn: 3599,
      tokenType: 'Bearer',
    });
    expect(first.refreshToken).toMatch(/^mock_rt_/);
    expect(first.refreshToken).not.toBe(initial);
    expect(persisted).toEqual([first.refreshToken]);
    // Without a previous token (e.g. after invalidate()), the source uses the newest it received.
    const second = await fetchToken(context());
    expect(persisted).toEqual([first.refreshToken, second.refreshToken]);
    expect(h.auth.stats).toMatchObject({ reuseDetections: 0, tokensIssued: 2 });
    expect(h.auth.introspect(initial)?.status).toBe('rotated');
  });

  it("prefers the vault's previous token's refresh token (e.g. rotated by another process)", async () => {
    const stale = h.auth.issueRefreshToken('app');
    const newer = await source(stale)(context()); // another process rotated it
    const previous = createToken({
      accessToken: newer.accessToken,
      tokenType: 'Bearer',
      refreshToken: newer.refreshToken,
    });
    const result = await source(stale)(context(previous));
    expect(result.accessToken).toMatch(/^mock_at_/);
    expect(h.auth.stats.reuseDetections).toBe(0);
  });

  it('lets public clients refresh with client_id in the body', async () => {
    const initial = h.auth.issueRefreshToken('spa');
    const fetchToken = refreshTokenGrant({ tokenUrl: h.tokenUrl, clientId: 'spa', refreshToken: initial });
    expect((await fetchToken(context())).accessToken).toMatch(/^mock_at_/);
  });

  it('answers a reused (rotated) refresh token with a final invalid_grant, and the family is revoked', async () => {
    const initial = h.auth.issueRefreshToken('app');
    const tabA = source(initial);
    const tabB = source(initial);
    const a = await tabA(context());
    const error = await failure(tabB(context()), initial, a.refreshToken!);
    expect(error).toMatchObject({ retryable: false, code: 'invalid_grant' });
    expect(error.message).toContain('reuse detected');
    expect(h.auth.stats.reuseDetections).toBe(1);
    expect(await failure(tabA(context()), a.refreshToken!)).toMatchObject({ code: 'invalid_grant' });
  });

  it('answers an expired or revoked refresh token with invalid_grant', async () => {
    const initial = h.auth.issueRefreshToken('app');
    h.auth.revokeAll();
    expect(await failure(source(initial)(context()), initial)).toMatchObject({
      retryable: false,
      code: 'invalid_grant',
    });
  });

  it('redacts the refresh token if the server echoes it', async () => {
    const initial = h.auth.issueRefreshToken('app');
    h.auth.failNext(1, {
      status: 400,
      body: { error: 'invalid_grant', error_description: `token ${initial} is bad` },
    });
    const error = await failure(source(initial)(context()), initial);
    expect(error.message).toContain('token [redacted] is bad');
  });

  it('fails final when onRefreshToken throws, yet the next refresh uses the new refresh token', async () => {
    const initial = h.auth.issueRefreshToken('app');
    let calls = 0;
    const fetchToken = source(initial, {
      onRefreshToken: async () => {
        calls += 1;
        if (calls === 1) throw new Error('disk full');
      },
    });
    const error = await failure(fetchToken(context()));
    expect(error).toMatchObject({ retryable: false, code: 'on_refresh_token_failed' });
    expect((error.cause as Error).message).toBe('disk full');
    expect((await fetchToken(context())).accessToken).toMatch(/^mock_at_/);
    expect(h.auth.stats.reuseDetections).toBe(0);
  });

  it('retryable 503 with Retry-After, and network errors', async () => {
    const initial = h.auth.issueRefreshToken('app');
    h.auth.failNext(1, { status: 503, retryAfter: 1 });
    h.auth.failNext(1, { networkError: true });
    expect(await failure(source(initial)(context()), initial)).toMatchObject({
      retryable: true,
      retryAfterMs: 1_000,
    });
    expect(await failure(source(initial)(context()), initial)).toMatchObject({
      retryable: true,
      code: 'network_error',
    });
    expect(h.auth.introspect(initial)?.status).toBe('active');
  });

  it('honours the abort signal', async () => {
    const reason = new DOMException('stop', 'AbortError');
    h.auth.setLatency(2_000);
    const controller = new AbortController();
    const pending = source(h.auth.issueRefreshToken('app'))(context(undefined, controller.signal));
    await expect.poll(() => h.auth.stats.tokenRequests, { interval: 5 }).toBe(1);
    controller.abort(reason);
    await expect(pending).rejects.toBe(reason);
  });
});

describe.each(MODES)('refreshTokenGrant without rotation over %s', (mode) => {
  const h = useMockAuth(mode, { rotateRefreshTokens: false });
  it('keeps the refresh token when the response has none, and does not call onRefreshToken', async () => {
    const initial = h.auth.issueRefreshToken('app');
    const onRefreshToken = vi.fn();
    const fetchToken = refreshTokenGrant({
      tokenUrl: h.tokenUrl,
      clientId: 'app',
      clientSecret: SECRET,
      refreshToken: initial,
      onRefreshToken,
    });
    expect((await fetchToken(context())).refreshToken).toBe(initial);
    expect((await fetchToken(context())).refreshToken).toBe(initial);
    expect(onRefreshToken).not.toHaveBeenCalled();
  });
});

describe('refreshTokenGrant options', () => {
  const valid = { tokenUrl: TOKEN_URL, clientId: 'app', refreshToken: 'rt' };
  it.each([
    [{ refreshToken: '' }, 'refreshToken'],
    [{ refreshToken: '' }, 'refreshToken'],
    [{ clientSecret: '' }, 'clientSecret'],
    [{ onRefreshToken: 'save' }, 'onRefreshToken'],
    [{ tokenUrl: undefined }, 'tokenUrl'],
  ])('%o throws a TypeError naming "%s"', (override, name) => {
    const options = { ...valid, ...override } as unknown as RefreshTokenGrantOptions;
    expect(() => refreshTokenGrant(options)).toThrow(
      expect.objectContaining({ name: 'TypeError', message: expect.stringContaining(`"${name}"`) }),
    );
  });

  it('rejects a misspelt option, naming it and the known ones', () => {
    const options = { ...valid, onRefresh: () => undefined } as RefreshTokenGrantOptions;
    expect(() => refreshTokenGrant(options)).toThrow(
      new TypeError(
        'refreshTokenGrant: unknown option "onRefresh" (known: tokenUrl, issuer, clientId, clientSecret, authMethod, privateKey, keyId, assertionAudience, scope, resource, audience, fetch, headers, dpop, refreshToken, onRefreshToken)',
      ),
    );
  });
});
