import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createTokenVault, TokenRefreshError, type TokenVault, type VaultEventMap } from '../src/index.js';
import { controlledSource, flush } from './helpers.js';

const vaults: TokenVault[] = [];
const unhandled = vi.fn();
beforeEach(() => {
  vi.useFakeTimers({ now: 0 });
  process.on('unhandledRejection', unhandled);
});
afterEach(async () => {
  await Promise.all(vaults.splice(0).map((v) => v.close()));
  process.off('unhandledRejection', unhandled);
  unhandled.mockReset();
  vi.useRealTimers();
});

function setup() {
  const source = controlledSource();
  const vault = createTokenVault({ fetchToken: source.fetchToken, retry: false });
  vaults.push(vault);
  const errors: Array<VaultEventMap['refresh:error']> = [];
  vault.on('refresh:error', (event) => errors.push(event));
  return { source, vault, errors };
}

describe('failures are shared, never cached', () => {
  it('a failed refresh is not cached: the next call fetches again and can succeed', async () => {
    const { source, vault, errors } = setup();
    const first = vault.getToken();
    source.last().reject(new Error('503'));
    await expect(first).rejects.toBeInstanceOf(TokenRefreshError);
    expect(vault.peek()).toBeUndefined();
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ name: 'default', reason: 'initial' });

    const second = vault.getToken();
    await flush();
    expect(source.fetchToken).toHaveBeenCalledTimes(2);
    source.last().resolve('ok');
    await expect(second).resolves.toMatchObject({ accessToken: 'ok' });
  });

  it('a failing background refresh: no unhandled rejection, emits refresh:error, the valid token keeps being served', async () => {
    const { source, vault, errors } = setup();
    const first = vault.getToken();
    source.last().resolve({ accessToken: 'A', expiresIn: 100 }); // soft at 75 s, hard at 90 s
    const a = await first;

    vi.setSystemTime(80_000);
    await expect(vault.getToken()).resolves.toBe(a);
    expect(source.fetchToken).toHaveBeenCalledTimes(2);
    expect(source.last().context.reason).toBe('background');
    source.last().reject(new Error('auth server down'));
    await flush();

    expect(unhandled).not.toHaveBeenCalled();
    expect(errors).toHaveLength(1);
    expect(errors[0]?.reason).toBe('background');
    expect(errors[0]?.error).toBeInstanceOf(TokenRefreshError);
    // Still valid: served from cache; the background retry backs off instead of hammering.
    for (let i = 0; i < 10; i++) await expect(vault.getToken()).resolves.toBe(a);
    expect(vault.peek()).toBe(a);
    expect(source.fetchToken).toHaveBeenCalledTimes(2);

    vi.setSystemTime(85_000); // the pause is at most half the remaining validity (5 s)
    await expect(vault.getToken()).resolves.toBe(a);
    expect(source.fetchToken).toHaveBeenCalledTimes(3);
    source.last().resolve({ accessToken: 'B', expiresIn: 100 });
    await flush();
    expect(vault.peek()?.accessToken).toBe('B');
  });

  it('inside the hard margin callers wait, and a failure then reaches them', async () => {
    const { source, vault } = setup();
    const first = vault.getToken();
    source.last().resolve({ accessToken: 'A', expiresIn: 100 });
    await first;
    vi.setSystemTime(95_000);
    const waiting = vault.getToken();
    await flush();
    expect(source.last().context.reason).toBe('expired');
    source.last().reject(new Error('down'));
    await expect(waiting).rejects.toBeInstanceOf(TokenRefreshError);
    expect(unhandled).not.toHaveBeenCalled();
  });
});

describe('error wrapping', () => {
  it('a TokenRefreshError thrown by fetchToken reaches callers unchanged', async () => {
    const { source, vault } = setup();
    const own = new TokenRefreshError('invalid_grant', { retryable: false, code: 'invalid_grant' });
    const pending = [vault.getToken(), vault.getToken()];
    source.last().reject(own);
    for (const p of pending) await expect(p).rejects.toBe(own);
  });

  it('other errors are wrapped as the (redacted copy of the) cause, keeping retryable, code and retryAfterMs', async () => {
    const { source, vault } = setup();
    const pending = vault.getToken();
    const cause = Object.assign(new Error('429 Too Many Requests'), {
      retryable: false,
      code: 'rate_limited',
      retryAfterMs: 1500,
    });
    source.last().reject(cause);
    const error = (await pending.catch((e: unknown) => e)) as TokenRefreshError;
    expect(error).toBeInstanceOf(TokenRefreshError);
    // The cause is a redacted copy (safe to print), equal to the original, which stays untouched.
    expect(error.cause).not.toBe(cause);
    expect(error.cause).toEqual(cause);
    expect(error).toMatchObject({ retryable: false, code: 'rate_limited', retryAfterMs: 1500 });
    expect(error.message).toContain('429 Too Many Requests');
    expect(error.message).toContain('"default"');
  });

  it('errors without those fields are retryable; non-Error throws are described by type', async () => {
    const { source, vault } = setup();
    const pending = vault.getToken();
    source.last().reject({ code: 42, retryAfterMs: -1 });
    const error = (await pending.catch((e: unknown) => e)) as TokenRefreshError;
    expect(error).toMatchObject({ retryable: true, code: undefined, retryAfterMs: undefined });
    expect(error.message).toContain('non-Error value (object)');

    const next = vault.getToken();
    await flush();
    source.last().reject('plain string');
    await expect(next).rejects.toThrow('non-Error value (string)');
  });

  it('a fetchToken that throws synchronously is handled like a rejection', async () => {
    const vault = createTokenVault({
      fetchToken: () => {
        throw new Error('sync boom');
      },
      retry: false,
    });
    vaults.push(vault);
    await expect(vault.getToken()).rejects.toThrow(/sync boom/);
  });
});
