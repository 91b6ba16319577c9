/**
 * Abort helpers shared by the vault, the stores and the adapters.
 */

/**
 * Settle with `promise`, or reject at once with `signal.reason` when `signal` aborts.
 * The abort listener is always removed, so a long-lived signal never accumulates listeners.
 * Aborting does not cancel the underlying work: other callers of `promise` are unaffected.
 *
 * @example
 * ```ts
 * const token = await abortable(vault.getToken(), AbortSignal.timeout(1000));
 * ```
 */
export function abortable<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

/**
 * The timers of a vault: its keepFresh schedule, refresh timeout, retry sleeps and store
 * catch-up all use them. `globalThis` is one; tests may pass their own.
 *
 * @example
 * ```ts
 * const timers: Timers = { setTimeout: (run, ms) => setTimeout(run, ms), clearTimeout };
 * ```
 */
export interface Timers {
  /** Run `callback` once after `ms` milliseconds; returns a handle for `clearTimeout`. */
  setTimeout(callback: () => void, ms: number): ReturnType<typeof setTimeout>;
  /** Cancel a timer `setTimeout` returned (`undefined` is ignored). */
  clearTimeout(timer: ReturnType<typeof setTimeout> | undefined): void;
}

/** Longest delay a timer supports (about 24.8 days); a longer one would fire at once. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * A timer that never keeps a Node.js process alive (for background work only: something a
 * caller waits for must keep it alive); delays beyond ~24.8 days are capped.
 *
 * @example
 * ```ts
 * declare function renewLease(): Promise<void>;
 * const timer = unrefTimer(() => void renewLease(), 3_000);
 * clearTimeout(timer);
 * ```
 */
export function unrefTimer(
  callback: () => void,
  ms: number,
  timers: Timers = globalThis,
): ReturnType<typeof setTimeout> {
  const timer = timers.setTimeout(callback, Math.min(ms, MAX_TIMER_MS));
  (timer as { unref?: () => void }).unref?.();
  return timer;
}

/**
 * Wait `ms` milliseconds (unref'd timer), or reject with `signal.reason` on abort.
 *
 * @example
 * ```ts
 * const controller = new AbortController();
 * await sleep(250, controller.signal);
 * ```
 */
export function sleep(ms: number, signal?: AbortSignal, timers: Timers = globalThis): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const elapsed = new Promise<void>((resolve) => {
    timer = unrefTimer(resolve, ms, timers);
  });
  return abortable(elapsed, signal).finally(() => timers.clearTimeout(timer));
}
