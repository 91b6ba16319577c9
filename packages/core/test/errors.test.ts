import { describe, expect, it } from 'vitest';
import { RefreshTimeoutError, TokenRefreshError, TokVaultError, VaultClosedError } from '../src/index.js';

type ErrorsModule = typeof import('../src/errors.js');

/** A second, separately evaluated copy of the module: what an app loading both ESM and CJS builds gets. */
async function secondCopy(): Promise<ErrorsModule> {
  const url = `../src/errors.ts?copy=${Date.now()}`;
  return (await import(/* @vite-ignore */ url)) as ErrorsModule;
}

describe('error classes', () => {
  it('form the documented hierarchy, with names, causes and fields', () => {
    const cause = new Error('socket hang up');
    const refresh = new TokenRefreshError('failed', {
      cause,
      code: 'temporarily_unavailable',
      retryAfterMs: 10,
    });
    expect(refresh).toBeInstanceOf(TokVaultError);
    expect(refresh).toBeInstanceOf(Error);
    expect(refresh).toMatchObject({
      name: 'TokenRefreshError',
      retryable: true,
      code: 'temporarily_unavailable',
    });
    expect(refresh.cause).toBe(cause);
    expect('cause' in new TokenRefreshError('no cause')).toBe(false);

    const timeout = new RefreshTimeoutError('api', 100);
    expect(timeout).toBeInstanceOf(TokenRefreshError);
    expect(timeout).toMatchObject({ name: 'RefreshTimeoutError', retryable: true });

    const closed = new VaultClosedError('api');
    expect(closed).toBeInstanceOf(TokVaultError);
    expect(closed).not.toBeInstanceOf(TokenRefreshError);
    expect(closed.name).toBe('VaultClosedError');
    expect(new TokVaultError('base').name).toBe('TokVaultError');
  });

  it('instanceof works across two copies of the module (ESM + CJS in one app)', async () => {
    const copy = await secondCopy();
    expect(copy.TokenRefreshError).not.toBe(TokenRefreshError);
    const foreign = new copy.RefreshTimeoutError('api', 5);
    expect(foreign).toBeInstanceOf(RefreshTimeoutError);
    expect(foreign).toBeInstanceOf(TokenRefreshError);
    expect(foreign).toBeInstanceOf(TokVaultError);
    expect(foreign).not.toBeInstanceOf(VaultClosedError);
    expect(new VaultClosedError('api')).toBeInstanceOf(copy.VaultClosedError);
    expect(new TokVaultError('x')).not.toBeInstanceOf(copy.TokenRefreshError);
  });

  it('instanceof is false for look-alikes and non-objects', () => {
    const lookAlike = Object.assign(new Error('x'), { name: 'TokenRefreshError' });
    expect(lookAlike).not.toBeInstanceOf(TokenRefreshError);
    for (const value of [null, undefined, 'TokVaultError', 42]) {
      expect((value as unknown) instanceof TokVaultError).toBe(false);
    }
  });

  it('a user subclass is checked by its own prototype chain, not by its parent brand', () => {
    class LoginRequiredError extends TokenRefreshError {}
    class AppError extends TokVaultError {}
    const login = new LoginRequiredError('login required', { retryable: false });
    expect(login).toBeInstanceOf(LoginRequiredError);
    expect(login).toBeInstanceOf(TokenRefreshError);
    expect(login).toBeInstanceOf(TokVaultError);
    expect(new TokenRefreshError('network blip')).not.toBeInstanceOf(LoginRequiredError);
    expect(new VaultClosedError('v')).not.toBeInstanceOf(AppError);
  });

  it('keeps the public class names (a bundler must not rename them)', () => {
    expect(
      [TokVaultError, TokenRefreshError, RefreshTimeoutError, VaultClosedError].map((c) => c.name),
    ).toEqual(['TokVaultError', 'TokenRefreshError', 'RefreshTimeoutError', 'VaultClosedError']);
  });
});
