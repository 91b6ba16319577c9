/**
 * `String(token)`, `util.inspect(token)` and `JSON.stringify(token)` never throw, by one rule
 * (TokenResponse TSDoc, README): an expiry that is not a finite, non-negative number is refused as
 * malformed; a finite one beyond the latest `Date` (8.64e15 ms) is clamped to it.
 */
import { inspect } from 'node:util';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { createToken, createTokenVault, TokenRefreshError, type TokenVault } from '../src/index.js';

const MAX_TIME_MS = 8.64e15;
const vaults: TokenVault[] = [];
afterEach(async () => {
  await Promise.all(vaults.splice(0).map((v) => v.close()));
});

function vaultReturning(response: unknown): TokenVault {
  const vault = createTokenVault({ fetchToken: async () => response as string, retry: false });
  vaults.push(vault);
  return vault;
}

const render = (token: object) => [String(token), `${token}`, inspect(token), JSON.stringify(token)];

describe('huge and non-finite expiries', () => {
  it.each([
    [{ expiresIn: 1e308 }],
    [{ expiresIn: '1e308' }],
    [{ expires_in: 1e308 }],
    [{ expiresAt: 1e300 }],
    [{ expiresIn: Number.MAX_VALUE, refreshIn: Number.MAX_VALUE }],
  ])('a finite expiry beyond the latest Date is clamped to it: %j', async (fields) => {
    const token = await vaultReturning({ accessToken: 'a', ...fields }).getToken();
    expect(token.expiresAt).toBe(MAX_TIME_MS);
    expect(String(token)).toBe('Token(Bearer, +275760-09-13T00:00:00.000Z)');
    expect(() => render(token)).not.toThrow();
  });

  it.each([
    [{ expiresIn: Number.POSITIVE_INFINITY }, 'expiresIn'],
    [{ expiresIn: 'Infinity' }, 'expiresIn'],
    [{ expiresIn: -1 }, 'expiresIn'],
    [{ expiresIn: 'soon' }, 'expiresIn'],
    [{ expiresAt: Number.POSITIVE_INFINITY }, 'expiresAt'],
    [{ expiresAt: -5 }, 'expiresAt'],
    [{ refreshIn: Number.NaN }, 'refreshIn'],
  ])('a non-finite, negative or non-numeric one is refused as malformed: %j', async (fields, key) => {
    const error = await vaultReturning({ accessToken: 'a', ...fields })
      .getToken()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TokenRefreshError);
    expect((error as TokenRefreshError).message).toContain(`"${key}" must be a non-negative number`);
  });

  it('createToken clamps too, and a token with an impossible expiry still renders', () => {
    expect(createToken({ accessToken: 'a', tokenType: 'Bearer', expiresAt: Infinity }).expiresAt).toBe(
      MAX_TIME_MS,
    );
    for (const expiresAt of [Number.NaN, -Infinity, -1e300]) {
      const token = createToken({ accessToken: 'a', tokenType: 'Bearer', expiresAt });
      expect(String(token)).toBe('Token(Bearer, invalid expiry)');
      expect(() => render(token)).not.toThrow();
    }
  });
});

describe('rendering a token never throws (property)', () => {
  const seconds = fc.oneof(
    fc.double({ min: 0, noNaN: true, noDefaultInfinity: true }),
    fc.nat(),
    fc.double({ noNaN: false }), // includes refused values: then there is no token to render
    fc.constantFrom(Number.MAX_VALUE, 1e308, -0, Number.MIN_VALUE),
  );
  const numeric = fc.oneof(seconds, seconds.map(String), fc.string());
  const response = fc.record(
    {
      accessToken: fc.stringMatching(/^[\x21-\x7e]{1,20}$/),
      expiresIn: numeric,
      expiresAt: numeric,
      refreshIn: numeric,
      tokenType: fc.constantFrom('Bearer', 'bearer', 'DPoP', 'MAC'),
      refreshToken: fc.string({ minLength: 1 }),
    },
    { requiredKeys: ['accessToken'] },
  );

  it('String, template literal, util.inspect and JSON.stringify of every accepted response', async () => {
    await fc.assert(
      fc.asyncProperty(response, async (body) => {
        const vault = createTokenVault({ fetchToken: async () => body as never, retry: false });
        try {
          const token = await vault.getToken().catch((error: unknown) => {
            expect(error).toBeInstanceOf(TokenRefreshError); // refused as malformed
            return undefined;
          });
          if (token) {
            expect(() => render(token)).not.toThrow();
            expect(Number.isFinite(token.expiresAt ?? 0)).toBe(true);
          }
        } finally {
          await vault.close();
        }
      }),
      { numRuns: 300 },
    );
  });
});
