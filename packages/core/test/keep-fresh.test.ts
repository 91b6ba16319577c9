import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createTokenVault, type TokenVault } from '../src/index.js';
import { controlledSource, flush } from './helpers.js';

const vaults: TokenVault[] = [];
afterEach(async () => {
  await Promise.all(vaults.splice(0).map((v) => v.close()));
  vi.restoreAllMocks();
  vi.useRealTimers();
});

function setup() {
  const source = controlledSource();
  const vault = createTokenVault({ fetchToken: source.fetchToken, keepFresh: true, retry: false });
  vaults.push(vault);
  return { source, vault };
}

async function primed(expiresIn: number) {
  const s = setup();
  const first = s.vault.getToken();
  s.source.last().resolve({ accessToken: 'token-1', expiresIn });
  await first;
  return s;
}

describe('keepFresh', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: 0 });
  });

  it('refreshes ahead of expiry, with jitter inside the first quarter of the soft window', async () => {
    const random = vi.spyOn(Math, 'random').mockReturnValue(0);
    const s = await primed(100); // soft at 75 s, hard at 90 s
    await vi.advanceTimersByTimeAsync(74_999);
    expect(s.source.fetchToken).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(s.source.fetchToken).toHaveBeenCalledTimes(2);
    expect(s.source.last().context.reason).toBe('keep-fresh');
    random.mockReturnValue(0.999_999); // the latest jitter: 25% into the soft window
    s.source.last().resolve({ accessToken: 'token-2', expiresIn: 100 }); // sent at 75 s: soft at 150 s
    await flush();
    expect(s.vault.peek()?.accessToken).toBe('token-2');
    await vi.advanceTimersByTimeAsync(75_000 + 3_748);
    expect(s.source.fetchToken).toHaveBeenCalledTimes(2);
    await vi.advanceTimersByTimeAsync(2);
    expect(s.source.fetchToken).toHaveBeenCalledTimes(3);
  });

  it('backs off on failure while the token is still valid, and resets after a success', async () => {
    const random = vi.spyOn(Math, 'random').mockReturnValue(0);
    const s = await primed(1_000); // soft at 750 s, hard at 990 s
    await vi.advanceTimersByTimeAsync(750_000);
    expect(s.source.fetchToken).toHaveBeenCalledTimes(2);
    random.mockReturnValue(0.999_999);
    const errors = vi.fn();
    s.vault.on('refresh:error', errors);

    // Failure n waits up to 1 s * 2^n (full jitter; here the top of the range).
    const gaps: number[] = [];
    let last = Date.now();
    for (let n = 1; n <= 7; n++) {
      s.source.last().reject(new Error('down'));
      const before = s.source.fetchToken.mock.calls.length;
      while (s.source.fetchToken.mock.calls.length === before) await vi.advanceTimersByTimeAsync(100);
      gaps.push(Math.round((Date.now() - last) / 1_000));
      last = Date.now();
    }
    // Capped at 60 s, then at half the remaining validity ((990 - 872) / 2 = 59 s).
    expect(gaps).toEqual([2, 4, 8, 16, 32, 60, 59]);
    expect(errors).toHaveBeenCalledTimes(7);
    expect(s.vault.peek()?.accessToken).toBe('token-1');

    s.source.last().resolve({ accessToken: 'token-2', expiresIn: 1_000 });
    await flush();
    expect(s.vault.peek()?.accessToken).toBe('token-2');
    expect(vi.getTimerCount()).toBe(1);
  });

  it('keeps trying (slowly) after expiry with nobody asking, and never faster than once a second', async () => {
    vi.spyOn(Math, 'random').mockReturnValue(0);
    const s = await primed(10); // soft at 7.5 s, hard at 9 s
    await vi.advanceTimersByTimeAsync(7_500);
    expect(s.source.fetchToken).toHaveBeenCalledTimes(2);
    for (let i = 0; i < 5; i++) {
      s.source.last().reject(new Error('down'));
      await vi.advanceTimersByTimeAsync(999);
      expect(s.source.fetchToken).toHaveBeenCalledTimes(2 + i);
      await vi.advanceTimersByTimeAsync(1);
      expect(s.source.fetchToken).toHaveBeenCalledTimes(3 + i);
    }
  });

  it('a token that lives longer than a timer can wait (~24.8 days) is not refreshed in a loop', async () => {
    vi.spyOn(Math, 'random').mockReturnValue(0);
    const s = await primed(60 * 86_400); // 60 days: soft at 59 days 23 h 55 min
    await vi.advanceTimersByTimeAsync(60 * 86_400_000 - 300_001);
    expect(s.source.fetchToken).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(s.source.fetchToken).toHaveBeenCalledTimes(2);
  });

  it('stops on close() and on invalidate(), and sets no timer for a token without expiry', async () => {
    const a = await primed(100);
    expect(vi.getTimerCount()).toBe(1);
    await a.vault.invalidate();
    expect(vi.getTimerCount()).toBe(0);

    const b = await primed(100);
    expect(vi.getTimerCount()).toBe(1);
    await b.vault.close();
    expect(vi.getTimerCount()).toBe(0);
    await vi.advanceTimersByTimeAsync(1_000_000);
    expect(b.source.fetchToken).toHaveBeenCalledTimes(1);

    const c = setup();
    const pending = c.vault.getToken();
    c.source.last().resolve('no-expiry');
    await pending;
    expect(vi.getTimerCount()).toBe(0);
  });
});

describe('keepFresh timers never keep the process alive', () => {
  it('the keepFresh timer and the timeout of a refresh nobody waits for are unref()ed', async () => {
    let time = 0;
    const source = controlledSource();
    const vault = createTokenVault({ fetchToken: source.fetchToken, keepFresh: true, now: () => time });
    vaults.push(vault);
    const setTimeoutSpy = vi.spyOn(globalThis, 'setTimeout');
    const first = vault.getToken();
    source.last().resolve({ accessToken: 'token-1', expiresIn: 3_600 });
    await first;
    time = 3_500_000; // inside the soft window: served from cache, one background refresh starts
    await vault.getToken();
    expect(source.fetchToken).toHaveBeenCalledTimes(2);
    const timers = setTimeoutSpy.mock.results.map((r) => r.value as NodeJS.Timeout);
    expect(timers.length).toBeGreaterThanOrEqual(3); // timeout (first), keepFresh, timeout (background)
    for (const timer of timers) expect(timer.hasRef()).toBe(false);
  });
});
