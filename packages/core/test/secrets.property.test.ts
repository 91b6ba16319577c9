import { inspect } from 'node:util';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createTokenVault, type FetchToken, type VaultEventType } from '../src/index.js';
import { flush } from './helpers.js';

beforeEach(() => {
  vi.useFakeTimers({ now: 0 });
});
afterEach(() => {
  vi.useRealTimers();
});

const TYPES: VaultEventType[] = ['refresh:start', 'refresh:success', 'refresh:error', 'token:cleared'];

/** Realistic secrets: at least 12 visible characters, any alphabet. */
const secret = fc
  .string({ minLength: 12, maxLength: 48, unit: 'binary' })
  .filter((s) => s.trim().length >= 12);

/** A secret that can be sent in a header (an access token the vault accepts): visible ASCII, no spaces. */
const headerWord = fc.stringMatching(/^[\x21-\x7e]{12,48}$/);

function leaks(text: string, secrets: readonly string[]): string | undefined {
  return secrets.find((s) => text.includes(s) || text.includes(JSON.stringify(s).slice(1, -1)));
}

describe('secrets stay secret (property)', () => {
  it('no token or refresh token appears in any error message, String(error), event JSON or token output', async () => {
    await fc.assert(
      fc.asyncProperty(headerWord, secret, secret, async (access, refresh, next) => {
        fc.pre(new Set([access, refresh, next]).size === 3);
        const secrets = [access, refresh, next];
        // The source misbehaves in every way that could carry a secret into the vault's output.
        const script: Array<FetchToken> = [
          async () => ({
            accessToken: access,
            refreshToken: refresh,
            expiresIn: 100,
            raw: { access, refresh },
          }),
          async ({ previous }) => {
            throw new Error(
              `refresh token ${previous?.refreshToken} for ${previous?.accessToken} was revoked`,
            );
          },
          async ({ previous }) => {
            throw Object.assign(new Error(`bad ${previous?.accessToken}`), { code: 'invalid_grant' });
          },
          async () => ({ accessToken: next, expiresIn: 'ninety' }) as unknown as string,
          async () => ({ accessToken: next, refreshToken: '' }),
          async () => `${access}`,
          () => new Promise(() => {}), // hangs: timeout
        ];
        let call = 0;
        const vault = createTokenVault({
          name: 'prop',
          retry: false,
          refreshTimeoutMs: 1_000,
          fetchToken: (context) => (script[Math.min(call++, script.length - 1)] as FetchToken)(context),
        });
        const outputs: string[] = [];
        for (const type of TYPES) vault.on(type, (event) => outputs.push(JSON.stringify(event)));
        const noteError = (error: unknown) => {
          outputs.push(String(error), (error as Error).message, JSON.stringify(error));
        };

        const token = await vault.getToken();
        outputs.push(JSON.stringify(token), inspect(token), String(token), `${token}`, inspect({ token }));
        for (let i = 0; i < 5; i++) await vault.refresh().catch(noteError);
        const hung = vault.refresh().catch(noteError);
        await vi.advanceTimersByTimeAsync(1_000);
        await hung;
        const closing = vault.refresh().catch(noteError);
        await flush();
        await vault.close();
        await closing;
        await vault.getToken().catch(noteError);
        await vault.refresh({ staleToken: access }).catch(noteError);

        expect(outputs.length).toBeGreaterThan(20);
        for (const text of outputs) expect(leaks(text, secrets)).toBeUndefined();
      }),
      { numRuns: 150 },
    );
  });
});
