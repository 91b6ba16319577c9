/**
 * When the vault refreshes on its own: the `keepFresh` timer, and the backoff that pauses
 * background and timer-driven refreshes after failures while the cached token is still valid.
 */
import { unrefTimer } from './abort.js';
import { deadlines, type Entry, type ExpiryOptions } from './expiry.js';

/** Floor of a keepFresh delay and of the pause after a failed refresh. */
const MIN_DELAY_MS = 1_000;
/** Ceiling of the backoff after consecutive failed refreshes. */
const MAX_BACKOFF_MS = 60_000;

/** What the scheduler needs from the vault. */
export interface SchedulerOptions extends ExpiryOptions {
  keepFresh: boolean;
  now: () => number;
  /** Start a timer-driven refresh. */
  fire: () => void;
}

/** The vault's view of its own refresh timing. */
export interface Scheduler {
  /** Whether a background (soft-window) refresh may start now. */
  mayRefreshInBackground(): boolean;
  /** A token was adopted (or forgotten, with `undefined`): reset the backoff and re-arm the timer. */
  adopted(entry: Entry | undefined): void;
  /** A refresh failed while holding `entry`: back off, at most half the remaining validity. */
  failed(entry: Entry | undefined): void;
  /** Clear the timer for good. */
  stop(): void;
}

/**
 * Create the scheduler of one vault. The timer is `unref()`ed: it never keeps a process alive.
 *
 * @example
 * ```ts
 * const scheduler = createScheduler({ ...options, fire: () => startRefresh('keep-fresh') });
 * ```
 */
export function createScheduler(options: SchedulerOptions): Scheduler {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let failures = 0;
  let pausedUntil = Number.NEGATIVE_INFINITY;
  let stopped = false;

  function arm(entry: Entry | undefined): void {
    clearTimeout(timer);
    timer = undefined;
    if (!options.keepFresh || stopped || !entry) return;
    const now = options.now();
    const { softAt, hardAt } = deadlines(entry, options);
    if (!Number.isFinite(softAt)) return;
    let at = pausedUntil;
    if (failures === 0) {
      // A token fresh from the source yet already inside the margin: refresh on demand, never in a loop.
      if (hardAt <= now) return;
      at = softAt + Math.random() * Math.max(0, hardAt - softAt) * 0.25;
    }
    timer = unrefTimer(
      () => {
        timer = undefined;
        options.fire();
      },
      Math.max(MIN_DELAY_MS, at - now),
    );
  }

  return {
    mayRefreshInBackground: () => options.now() >= pausedUntil,
    adopted(entry) {
      failures = 0;
      pausedUntil = Number.NEGATIVE_INFINITY;
      arm(entry);
    },
    failed(entry) {
      failures += 1;
      const now = options.now();
      const hardAt = entry ? deadlines(entry, options).hardAt : Number.POSITIVE_INFINITY;
      let delay = Math.random() * Math.min(MAX_BACKOFF_MS, MIN_DELAY_MS * 2 ** failures);
      if (hardAt > now) delay = Math.min(delay, (hardAt - now) / 2);
      pausedUntil = now + Math.max(MIN_DELAY_MS, delay);
      arm(entry);
    },
    stop() {
      stopped = true;
      clearTimeout(timer);
      timer = undefined;
    },
  };
}
