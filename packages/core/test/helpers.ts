/**
 * Test helpers for core: a token source the test settles by hand, and a microtask flush that
 * works under fake timers.
 */
import { vi } from 'vitest';
import type { FetchToken, FetchTokenContext, Timers, TokenResponse } from '../src/index.js';

const realSetImmediate = globalThis.setImmediate;

/** Let every pending promise reaction run (one real macrotask turn; fake timers do not affect it). */
export function flush(): Promise<void> {
  return new Promise((resolve) => realSetImmediate(resolve));
}

/** One `fetchToken` call, settled by the test. */
export interface SourceCall {
  readonly context: FetchTokenContext;
  resolve(value: TokenResponse | string): void;
  reject(error: unknown): void;
  readonly settled: boolean;
}

/** A `fetchToken` whose calls stay pending until the test settles them; honours its abort signal. */
export function controlledSource() {
  const calls: SourceCall[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const fetchToken = vi.fn<FetchToken>(
    (context) =>
      new Promise<TokenResponse | string>((resolve, reject) => {
        inFlight += 1;
        maxInFlight = Math.max(maxInFlight, inFlight);
        let settled = false;
        const settle = () => {
          if (settled) return false;
          settled = true;
          inFlight -= 1;
          context.signal.removeEventListener('abort', onAbort);
          return true;
        };
        const onAbort = () => {
          if (settle()) reject(context.signal.reason);
        };
        context.signal.addEventListener('abort', onAbort);
        calls.push({
          context,
          resolve: (value) => {
            if (settle()) resolve(value);
          },
          reject: (error) => {
            if (settle()) reject(error);
          },
          get settled() {
            return settled;
          },
        });
      }),
  );
  return {
    fetchToken,
    calls,
    /** The most recent call. */
    last(): SourceCall {
      const call = calls.at(-1);
      if (!call) throw new Error('fetchToken was not called');
      return call;
    },
    get inFlight() {
      return inFlight;
    },
    get maxInFlight() {
      return maxInFlight;
    },
  };
}

/** A source that answers at once with `token-1`, `token-2`, ... valid for `expiresIn` seconds. */
export function countingSource(expiresIn = 3600) {
  let n = 0;
  return vi.fn<FetchToken>(async () => ({ accessToken: `token-${++n}`, expiresIn }));
}

/**
 * A clock with its own timers, for the vault's `now` and `timers` options: time moves only when
 * the test calls `advance`, which runs each timer due (in time order) and lets its work settle.
 */
export function manualClock(start = 1_000_000) {
  let time = start;
  let nextId = 1;
  const pending = new Map<number, { at: number; run: () => void }>();
  const timers: Timers = {
    setTimeout(run, ms) {
      const id = nextId++;
      pending.set(id, { at: time + ms, run });
      return id as unknown as ReturnType<typeof setTimeout>;
    },
    clearTimeout(timer) {
      pending.delete(timer as unknown as number);
    },
  };
  return {
    now: () => time,
    timers,
    /** Timers not yet run. */
    get pending() {
      return pending.size;
    },
    async advance(ms: number) {
      const until = time + ms;
      for (;;) {
        const due = [...pending].filter(([, t]) => t.at <= until).sort(([, a], [, b]) => a.at - b.at)[0];
        if (!due) break;
        pending.delete(due[0]);
        time = Math.max(time, due[1].at);
        due[1].run();
        await flush();
      }
      time = until;
      await flush();
    },
  };
}
