/**
 * Method arguments are validated like options, with the constructor's TypeError format:
 * `<method>: unknown option "x" (known: …)` and `<method>: option "x" must be … (got …)`.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createTokenVault, type FetchToken, type TokenVault } from '../src/index.js';

const vaults: TokenVault[] = [];
afterEach(async () => {
  await Promise.all(vaults.splice(0).map((v) => v.close()));
});

function setup() {
  let calls = 0;
  const fetchToken = vi.fn<FetchToken>(async () => ({ accessToken: `t${++calls}`, expiresIn: 3600 }));
  const vault = createTokenVault({ fetchToken });
  vaults.push(vault);
  return { vault, fetchToken };
}

describe('getToken', () => {
  it('rejects unknown keys and wrong types, on the hot path too', async () => {
    const { vault } = setup();
    for (const cached of [false, true]) {
      if (cached) await vault.getToken();
      expect(() => vault.getToken({ sginal: AbortSignal.timeout(10) } as never)).toThrow(
        new TypeError('getToken: unknown option "sginal" (known: signal, minValidityMs)'),
      );
      expect(() => vault.getToken({ signal: 'abort' } as never)).toThrow(
        new TypeError('getToken: option "signal" must be an AbortSignal (got string)'),
      );
      expect(() => vault.getToken({ minValidityMs: -1 })).toThrow(
        new TypeError('getToken: option "minValidityMs" must be a non-negative number of ms (got -1)'),
      );
      expect(() => vault.getToken(null as never)).toThrow(
        new TypeError('getToken: options must be an object (got null)'),
      );
    }
  });

  it('accepts no options, undefined values and a real signal', async () => {
    const { vault, fetchToken } = setup();
    const token = await vault.getToken();
    await expect(vault.getToken({ signal: undefined, minValidityMs: undefined })).resolves.toBe(token);
    await expect(vault.getToken({ signal: new AbortController().signal, minValidityMs: 0 })).resolves.toBe(
      token,
    );
    expect(fetchToken).toHaveBeenCalledTimes(1);
  });
});

describe('refresh', () => {
  it('rejects a misspelt staleToken instead of silently refreshing', async () => {
    const { vault, fetchToken } = setup();
    const token = await vault.getToken();
    expect(() => vault.refresh({ stale: token } as never)).toThrow(
      new TypeError('refresh: unknown option "stale" (known: staleToken, signal)'),
    );
    expect(() => vault.refresh({ staleToken: 42 } as never)).toThrow(
      new TypeError('refresh: option "staleToken" must be an access-token string or a Token (got 42)'),
    );
    expect(() => vault.refresh({ signal: {} } as never)).toThrow(
      new TypeError('refresh: option "signal" must be an AbortSignal (got object)'),
    );
    expect(fetchToken).toHaveBeenCalledTimes(1); // none of them refreshed
    await expect(vault.refresh({ staleToken: 'an-older-token' })).resolves.toBe(token);
    await expect(vault.refresh({ staleToken: token })).resolves.toMatchObject({ accessToken: 't2' });
  });
});

describe('on', () => {
  it('rejects an unknown event type and a listener that is not a function', () => {
    const { vault } = setup();
    expect(() => vault.on('refresh:sucess' as never, () => {})).toThrow(
      new TypeError(
        'on: unknown event type "refresh:sucess" (known: refresh:start, refresh:success, refresh:error, token:cleared, session:ended, revoke:error, store:error)',
      ),
    );
    expect(() => vault.on('refresh:success', 'log' as never)).toThrow(
      new TypeError('on: option "listener" must be a function (got string)'),
    );
    expect(() => vault.on('toString' as never, () => {})).toThrow(TypeError);
  });
});

describe('invalidate', () => {
  it('takes no options: any key is refused, and nothing is forgotten', async () => {
    const { vault } = setup();
    const token = await vault.getToken();
    await expect(
      (vault.invalidate as (options: unknown) => Promise<void>)({ revoke: false }),
    ).rejects.toThrow(new TypeError('invalidate: unknown option "revoke" (known: none)'));
    expect(vault.peek()).toBe(token);
    await vault.invalidate();
    expect(vault.peek()).toBeUndefined();
  });
});

describe('setTokens', () => {
  it('rejects unknown keys of a TokenResponse and wrong types', async () => {
    const { vault } = setup();
    await expect(vault.setTokens({ accessToken: 'a', expiresin: 60 } as never)).rejects.toThrow(
      new TypeError(
        'setTokens: unknown option "expiresin" (known: accessToken, expiresIn, expiresAt, tokenType, refreshToken, refreshIn, raw)',
      ),
    );
    await expect(vault.setTokens({ accessToken: 'a', expiresIn: 'soon' } as never)).rejects.toThrow(
      /^setTokens: .*"expiresIn" must be a non-negative number \(got string\)/,
    );
    expect(vault.peek()).toBeUndefined();
  });

  it('takes a raw OAuth response (access_token) as the server sent it, extra fields included', async () => {
    const { vault } = setup();
    const token = await vault.setTokens({
      access_token: 'wire',
      token_type: 'bearer',
      expires_in: 60,
      refresh_token: 'r',
      scope: 'read',
      id_token: 'x.y.z',
    } as never);
    expect(token).toMatchObject({ accessToken: 'wire', tokenType: 'Bearer', refreshToken: 'r' });
  });
});
