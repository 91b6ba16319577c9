import { afterEach, describe, expect, it } from 'vitest';
import {
  createTokenVault,
  type OAuthTokenResponse,
  TokenRefreshError,
  type TokenVault,
} from '../src/index.js';

const vaults: TokenVault[] = [];
afterEach(async () => {
  await Promise.all(vaults.splice(0).map((v) => v.close()));
});

function failureFor(result: unknown): Promise<unknown> {
  let calls = 0;
  const vault = createTokenVault({
    name: 'api',
    fetchToken: async () => {
      calls += 1;
      return result as string;
    },
  });
  vaults.push(vault);
  return vault.getToken().then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: unknown) => ({ error, calls }),
  );
}

describe('a malformed fetchToken result rejects with a TokenRefreshError saying what was wrong', () => {
  const cases: Array<[unknown, string]> = [
    ['', '"accessToken" cannot be sent in a header (empty)'],
    [null, 'expected a string or a TokenResponse object (got null)'],
    [undefined, 'expected a string or a TokenResponse object (got undefined)'],
    [42, 'expected a string or a TokenResponse object (got number)'],
    [['tok'], 'expected a string or a TokenResponse object (got object)'],
    [{}, '"accessToken" (or "access_token") is missing'],
    [{ access_token: 42, token: 'snake-case-secret' }, '"accessToken" must be a non-empty string'],
    [{ accessToken: '' }, '"accessToken" cannot be sent in a header (empty)'],
    [{ accessToken: 7 }, '"accessToken" must be a non-empty string'],
    [{ accessToken: 'secret-1', expiresIn: -1 }, '"expiresIn" must be a non-negative number (got number)'],
    [
      { accessToken: 'secret-2', expiresIn: 'soon' },
      '"expiresIn" must be a non-negative number (got string)',
    ],
    [{ accessToken: 'secret-3', expiresIn: Number.NaN }, '"expiresIn" must be a non-negative number'],
    [{ accessToken: 'secret-4', expiresAt: {} }, '"expiresAt" must be a non-negative number (got object)'],
    [{ accessToken: 'secret-5', refreshIn: -3 }, '"refreshIn" must be a non-negative number'],
    [{ accessToken: 'secret-6', tokenType: 3 }, '"tokenType" must be a non-empty string'],
    [{ accessToken: 'secret-7', refreshToken: '' }, '"refreshToken" must be a non-empty string'],
  ];

  it.each(cases)('%j', async (result, what) => {
    const { error, calls } = (await failureFor(result)) as { error: TokenRefreshError; calls: number };
    expect(error).toBeInstanceOf(TokenRefreshError);
    expect(error.message).toContain('fetchToken for vault "api" returned a malformed token: ');
    expect(error.message).toContain(what);
    expect(error.retryable).toBe(false);
    expect(calls).toBe(1); // never retried
    for (const secret of ['snake-case-secret', 'secret-1', 'secret-2', 'secret-6', 'secret-7']) {
      expect(error.message).not.toContain(secret);
    }
  });

  it('accepts numeric strings and null fields (as some servers send them)', async () => {
    const vault = createTokenVault({
      fetchToken: async () =>
        ({ accessToken: 'ok', expiresIn: '3600', tokenType: null, refreshToken: null }) as unknown as string,
    });
    vaults.push(vault);
    const token = await vault.getToken();
    expect(token.tokenType).toBe('Bearer');
    expect(token.refreshToken).toBeUndefined();
    expect(token.expiresAt).toBeGreaterThan(Date.now());
  });
});

describe('the OAuth 2.0 wire format is accepted as returned by a token endpoint', () => {
  it('reads access_token, expires_in (seconds), token_type and refresh_token', async () => {
    // Typed as the wire format: no cast needed to return a token endpoint's body.
    const body: OAuthTokenResponse = {
      access_token: 'wire-at',
      expires_in: 3600,
      token_type: 'bearer',
      refresh_token: 'wire-rt',
      scope: 'read',
    };
    const before = Date.now();
    const vault = createTokenVault({ fetchToken: async () => body });
    vaults.push(vault);
    const token = await vault.getToken();
    expect(token).toMatchObject({ accessToken: 'wire-at', tokenType: 'Bearer', refreshToken: 'wire-rt' });
    expect(token.expiresAt).toBeGreaterThanOrEqual(before + 3_600_000);
    expect(token.expiresAt).toBeLessThanOrEqual(Date.now() + 3_600_000);
  });

  it('setTokens takes a token endpoint body as is (typed, no cast)', async () => {
    const vault = createTokenVault({ fetchToken: async () => 'unused', now: () => 1_000 });
    vaults.push(vault);
    const token = await vault.setTokens({
      access_token: 'login-at',
      refresh_token: 'login-rt',
      expires_in: 60,
    });
    expect(token).toMatchObject({ accessToken: 'login-at', refreshToken: 'login-rt', expiresAt: 61_000 });
    expect(vault.peek()?.accessToken).toBe('login-at');
  });

  it('camelCase wins when both are present', async () => {
    const vault = createTokenVault({
      fetchToken: async () =>
        ({
          accessToken: 'camel',
          access_token: 'snake',
          tokenType: 'DPoP',
          token_type: 'bearer',
          expiresIn: 60,
          expires_in: 3600,
        }) as unknown as string,
      now: () => 1_000,
    });
    vaults.push(vault);
    const token = await vault.getToken();
    expect(token).toMatchObject({ accessToken: 'camel', tokenType: 'DPoP', expiresAt: 61_000 });
  });

  it('a wire-format field that is wrong is refused like its camelCase one', async () => {
    const { error } = (await failureFor({ access_token: 'wire-secret', expires_in: 'later' })) as {
      error: TokenRefreshError;
    };
    expect(error.message).toContain('"expiresIn" must be a non-negative number (got string)');
    expect(error.message).not.toContain('wire-secret');
  });
});
