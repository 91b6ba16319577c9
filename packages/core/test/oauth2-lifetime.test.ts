/**
 * The lifetime the sources report: `expires_in` minus the whole second a server's truncated
 * `exp` can cost, or, without `expires_in`, a JWT access token's (unverified) `exp`.
 */
import { describe, expect, it, vi } from 'vitest';
import { createTokenVault } from '../src/index.js';
import { encodeBase64url } from '../src/oauth2/jwt.js';
import { serverLifetime } from '../src/oauth2/lifetime.js';
import { clientCredentials } from '../src/oauth2.js';
import { context, MODES, SECRET, useMockAuth } from './oauth2Harness.js';

const jwt = (claims: Record<string, unknown>) =>
  `${encodeBase64url('{"alg":"none"}')}.${encodeBase64url(JSON.stringify(claims))}.sig`;

describe('serverLifetime', () => {
  it('counts expires_in minus one second, never below 0', () => {
    expect(serverLifetime({ accessToken: 'a', expiresIn: 3600 }).expiresIn).toBe(3599);
    expect(serverLifetime({ accessToken: 'a', expiresIn: 0.5 }).expiresIn).toBe(0);
  });

  it('without expires_in, takes expiresAt from a JWT exp (read, not verified); else leaves no expiry', () => {
    expect(serverLifetime({ accessToken: jwt({ exp: 1_900_000_000 }) }).expiresAt).toBe(1_900_000_000_000);
    // expires_in wins over the JWT.
    expect(serverLifetime({ accessToken: jwt({ exp: 1_900_000_000 }), expiresIn: 60 })).not.toHaveProperty(
      'expiresAt',
    );
    for (const accessToken of ['opaque', jwt({ sub: 'x' }), jwt({ exp: '1900000000' }), 'a.!!!.c']) {
      expect(serverLifetime({ accessToken })).toEqual({ accessToken });
    }
  });
});

describe.each(MODES)('a JWT access token without expires_in over %s', (mode) => {
  const h = useMockAuth(mode, {
    accessTokenFormat: 'jwt',
    omitExpiresIn: true,
    timing: 'realistic',
    accessTokenTtlMs: 3000,
  });

  it("expires at its exp claim, exactly when the server's copy does", async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(1_800_000_000_900);
    const token = await clientCredentials({ tokenUrl: h.tokenUrl, clientId: 'app', clientSecret: SECRET })(
      context(),
    );
    expect(token).not.toHaveProperty('expiresIn');
    expect(token.expiresAt).toBe(1_800_000_003_000);
    expect(h.auth.introspect(token.accessToken)?.expiresAt).toBe(token.expiresAt);
  });

  it('the vault refreshes before exp on the fake clock', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(1_800_000_000_900);
    const vault = createTokenVault({
      fetchToken: clientCredentials({ tokenUrl: h.tokenUrl, clientId: 'app', clientSecret: SECRET }),
    });
    const first = await vault.getToken();
    vi.setSystemTime(1_800_000_002_850); // 150 ms before exp: inside the margin (10% of 2.1 s)
    expect(h.auth.introspect(first.accessToken)?.status).toBe('active');
    const second = await vault.getToken();
    expect(second.accessToken).not.toBe(first.accessToken);
    await vault.close();
  });
});
