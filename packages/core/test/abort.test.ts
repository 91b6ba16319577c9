import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { abortable, createTokenVault, sleep, type TokenVault } from '../src/index.js';
import { controlledSource, flush } from './helpers.js';

const vaults: TokenVault[] = [];
afterEach(async () => {
  await Promise.all(vaults.splice(0).map((v) => v.close()));
});

function setup() {
  const source = controlledSource();
  const vault = createTokenVault({ fetchToken: source.fetchToken, retry: false });
  vaults.push(vault);
  return { source, vault };
}

describe('cancellation detaches one caller', () => {
  it('an aborted waiter rejects at once with an AbortError DOMException; the others still get the token', async () => {
    const { source, vault } = setup();
    const controller = new AbortController();
    const others = [vault.getToken(), vault.getToken()];
    const mine = vault.getToken({ signal: controller.signal });
    await flush();
    controller.abort();
    const reason = await mine.catch((e: unknown) => e);
    expect(reason).toBeInstanceOf(DOMException);
    expect((reason as DOMException).name).toBe('AbortError');
    expect(reason).toBe(controller.signal.reason);
    expect(source.last().context.signal.aborted).toBe(false);
    source.last().resolve('shared');
    for (const token of await Promise.all(others)) expect(token.accessToken).toBe('shared');
    expect(source.fetchToken).toHaveBeenCalledTimes(1);
  });

  it("rejects with the signal's own reason", async () => {
    const { source, vault } = setup();
    const controller = new AbortController();
    const mine = vault.refresh({ signal: controller.signal });
    const reason = new Error('user navigated away');
    controller.abort(reason);
    await expect(mine).rejects.toBe(reason);
    source.last().resolve('t');
  });

  it('an already-aborted signal rejects without starting a refresh', async () => {
    const { source, vault } = setup();
    const reason = new Error('gone');
    await expect(vault.getToken({ signal: AbortSignal.abort(reason) })).rejects.toBe(reason);
    await expect(vault.refresh({ signal: AbortSignal.abort(reason) })).rejects.toBe(reason);
    expect(source.fetchToken).not.toHaveBeenCalled();
  });

  it('when every waiter aborts, the refresh still completes and its token is cached', async () => {
    const { source, vault } = setup();
    const controller = new AbortController();
    const pending = Promise.allSettled([
      vault.getToken({ signal: controller.signal }),
      vault.getToken({ signal: controller.signal }),
    ]);
    controller.abort();
    expect((await pending).map((r) => r.status)).toEqual(['rejected', 'rejected']);
    source.last().resolve({ accessToken: 'kept', expiresIn: 60 });
    await flush();
    await expect(vault.getToken()).resolves.toMatchObject({ accessToken: 'kept' });
    expect(source.fetchToken).toHaveBeenCalledTimes(1);
  });
});

describe('abortable() and sleep()', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('abortable passes values and errors through, and without a signal returns the promise itself', async () => {
    const promise = Promise.resolve(1);
    expect(abortable(promise, undefined)).toBe(promise);
    await expect(abortable(Promise.resolve(2), new AbortController().signal)).resolves.toBe(2);
    const boom = new Error('boom');
    await expect(abortable(Promise.reject(boom), new AbortController().signal)).rejects.toBe(boom);
    await expect(abortable(new Promise(() => {}), AbortSignal.abort('why'))).rejects.toBe('why');
  });

  it('sleep resolves after ms, rejects with the reason on abort and leaves no timer behind', async () => {
    const done = vi.fn();
    void sleep(100).then(done);
    await vi.advanceTimersByTimeAsync(99);
    expect(done).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1);
    expect(done).toHaveBeenCalledTimes(1);

    const controller = new AbortController();
    const aborted = sleep(1_000, controller.signal);
    expect(vi.getTimerCount()).toBe(1);
    controller.abort('stop');
    await expect(aborted).rejects.toBe('stop');
    expect(vi.getTimerCount()).toBe(0);
    await expect(sleep(10, AbortSignal.abort('already'))).rejects.toBe('already');
  });
});
