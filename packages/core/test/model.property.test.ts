/**
 * Model test: random interleavings of getToken, refresh (stale/current), time, source success,
 * failure and hang, caller abort and invalidate, checked against the invariants of DESIGN.md.
 */
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  createMemoryStore,
  createTokenVault,
  RefreshTimeoutError,
  type Token,
  TokenRefreshError,
  VaultClosedError,
} from '../src/index.js';
import { controlledSource, flush } from './helpers.js';

type Action =
  | { type: 'get'; abortable: boolean }
  | { type: 'refresh'; stale: 'current' | 'old' | 'none' }
  | { type: 'advance'; ms: number }
  | { type: 'resolve'; expiresIn: number | undefined }
  | { type: 'fail'; retryable: boolean }
  | { type: 'abort'; pick: number }
  | { type: 'invalidate' };

const action: fc.Arbitrary<Action> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ type: fc.constant('get' as const), abortable: fc.boolean() }) },
  {
    weight: 2,
    arbitrary: fc.record({
      type: fc.constant('refresh' as const),
      stale: fc.constantFrom('current' as const, 'old' as const, 'none' as const),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({ type: fc.constant('advance' as const), ms: fc.integer({ min: 0, max: 40_000 }) }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      type: fc.constant('resolve' as const),
      // Short lifetimes (even below the margin) are common on purpose.
      expiresIn: fc.oneof(
        fc.constant(undefined),
        fc.integer({ min: 0, max: 3 }),
        fc.integer({ min: 0, max: 120 }),
      ),
    }),
  },
  { weight: 2, arbitrary: fc.record({ type: fc.constant('fail' as const), retryable: fc.boolean() }) },
  { weight: 2, arbitrary: fc.record({ type: fc.constant('abort' as const), pick: fc.nat() }) },
  { weight: 1, arbitrary: fc.constant({ type: 'invalidate' as const }) },
);

interface Caller {
  flight: number | undefined; // index of the fetchToken call it waits for; undefined = served at once
  controller: AbortController | undefined;
  abortReason?: unknown;
  outcome?: { ok: true; token: Token } | { ok: false; error: unknown };
}

const TIMEOUT_MS = 20_000;

beforeEach(() => {
  vi.useFakeTimers({ now: 1_000_000 });
});
afterEach(() => {
  vi.useRealTimers();
});

interface Config {
  keepFresh: boolean;
  /** Run through a shared store (read, lock, re-read, write) instead of the private cache. */
  shared: boolean;
  closeWhilePending: boolean;
}

async function run(actions: Action[], { keepFresh, shared, closeWhilePending }: Config): Promise<void> {
  const source = controlledSource();
  const vault = createTokenVault({
    fetchToken: source.fetchToken,
    retry: false,
    keepFresh,
    refreshTimeoutMs: TIMEOUT_MS,
    store: shared ? createMemoryStore() : undefined,
  });
  const callers: Caller[] = [];
  const failures = new Map<number, unknown>(); // flight -> the error it injected
  let minted = 0;

  const pendingFlight = () => (source.inFlight === 1 ? source.calls.length - 1 : undefined);
  const track = (promise: Promise<Token>, controller?: AbortController) => {
    const caller: Caller = { flight: undefined, controller };
    promise.then(
      (token) => {
        caller.outcome = { ok: true, token };
      },
      (error: unknown) => {
        caller.outcome = { ok: false, error };
      },
    );
    callers.push(caller);
    return caller;
  };

  const firstSeen: number[] = []; // per fetchToken call: the time it was first observed (>= its start)
  const check = () => {
    // 1. Never two fetchToken calls in flight, and none outlives refreshTimeoutMs.
    expect(source.maxInFlight).toBeLessThanOrEqual(1);
    for (let i = firstSeen.length; i < source.calls.length; i++) firstSeen.push(Date.now());
    source.calls.forEach((call, i) => {
      if (!call.settled) expect(Date.now() - (firstSeen[i] ?? 0)).toBeLessThan(TIMEOUT_MS);
    });
    for (const caller of callers) {
      // 2. Nothing hangs: a pending caller always has a fetchToken call in flight to wait for.
      if (!caller.outcome) expect(source.inFlight).toBe(1);
    }
    // 3. All waiters of a failed flight share one error; the failure is the source's (or a timeout).
    const byFlight = new Map<number, Set<unknown>>();
    for (const caller of callers) {
      if (
        caller.flight === undefined ||
        caller.abortReason !== undefined ||
        !caller.outcome ||
        caller.outcome.ok
      )
        continue;
      const set = byFlight.get(caller.flight) ?? new Set();
      set.add(caller.outcome.error);
      byFlight.set(caller.flight, set);
    }
    for (const [flight, errors] of byFlight) {
      expect(errors.size).toBe(1);
      const [error] = [...errors];
      expect(error).toBeInstanceOf(TokenRefreshError);
      if (!(error instanceof RefreshTimeoutError))
        expect((error as TokenRefreshError).cause).toEqual(failures.get(flight)); // a redacted copy
    }
  };

  for (const step of actions) {
    switch (step.type) {
      case 'get': {
        const controller = step.abortable ? new AbortController() : undefined;
        const caller = track(vault.getToken({ signal: controller?.signal }), controller);
        await flush();
        if (!caller.outcome) caller.flight = pendingFlight();
        break;
      }
      case 'refresh': {
        const current = vault.peek()?.accessToken;
        const staleToken =
          step.stale === 'none' ? undefined : step.stale === 'old' ? 'never-issued' : current;
        const caller = track(vault.refresh({ staleToken }));
        await flush();
        if (!caller.outcome) caller.flight = pendingFlight();
        if (step.stale === 'old' && current !== undefined) {
          // A 401 for a replaced token is answered with the current token, at once, without waiting.
          expect(caller.outcome).toEqual({
            ok: true,
            token: expect.objectContaining({ accessToken: current }),
          });
        }
        break;
      }
      case 'advance':
        await vi.advanceTimersByTimeAsync(step.ms);
        break;
      case 'resolve': {
        const flight = pendingFlight();
        if (flight === undefined) break;
        minted += 1;
        source.calls[flight]?.resolve({ accessToken: `tok-${minted}`, expiresIn: step.expiresIn });
        await flush();
        for (const caller of callers) {
          if (caller.flight !== flight || caller.abortReason !== undefined) continue;
          // Every waiter of the flight gets exactly that flight's token, however short-lived.
          expect(caller.outcome).toEqual({
            ok: true,
            token: expect.objectContaining({ accessToken: `tok-${minted}` }),
          });
        }
        break;
      }
      case 'fail': {
        const flight = pendingFlight();
        if (flight === undefined) break;
        const error = Object.assign(new Error(`fail ${flight}`), { retryable: step.retryable });
        failures.set(flight, error);
        source.calls[flight]?.reject(error);
        await flush();
        for (const caller of callers) {
          if (caller.flight === flight && caller.abortReason === undefined)
            expect(caller.outcome?.ok).toBe(false);
        }
        // Not cached: a caller now either gets a still-valid token or causes a new fetch.
        const probe = track(vault.getToken());
        await flush();
        if (!probe.outcome) {
          probe.flight = pendingFlight();
          expect(probe.flight).toBe(source.calls.length - 1);
          expect(probe.flight).toBeGreaterThan(flight);
        } else {
          expect(probe.outcome.ok).toBe(true);
        }
        break;
      }
      case 'abort': {
        const open = callers.filter((c) => c.controller && !c.outcome);
        const target = open[step.pick % Math.max(1, open.length)];
        if (!target?.controller) break;
        const reason = new Error('caller gave up');
        target.abortReason = reason;
        const signalBefore = source.calls.at(-1)?.context.signal.aborted;
        target.controller.abort(reason);
        await flush();
        // An aborted caller rejects with its own signal's reason.
        expect(target.outcome).toEqual({ ok: false, error: reason });
        // One caller's abort never aborts the shared refresh.
        expect(source.calls.at(-1)?.context.signal.aborted).toBe(signalBefore);
        break;
      }
      case 'invalidate':
        await vault.invalidate();
        await flush();
        break;
    }
    check();
  }

  if (closeWhilePending) {
    const pending = callers.filter((c) => !c.outcome);
    await vault.close();
    await flush();
    for (const caller of pending)
      expect(caller.outcome).toEqual({ ok: false, error: expect.any(VaultClosedError) });
  } else {
    const flight = pendingFlight();
    if (flight !== undefined) source.calls[flight]?.resolve('final');
    await flush();
    await vault.close();
  }
  for (const caller of callers) expect(caller.outcome).toBeDefined();
  expect(vi.getTimerCount()).toBe(0);
}

describe('model: random interleavings keep the invariants', () => {
  it('single-flight, nothing hangs, aborts detach one caller, failures shared and not cached', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(action, { minLength: 1, maxLength: 40 }),
        fc.record({ keepFresh: fc.boolean(), shared: fc.boolean(), closeWhilePending: fc.boolean() }),
        run,
      ),
      { numRuns: 200 },
    );
  });
});
