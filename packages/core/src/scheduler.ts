/**
 * When the vault refreshes on its own: the `keepFresh` timer, and the backoff that pauses
 * background and timer-driven refreshes after failures while the cached token is still valid.
 */
import { MAX_TIMER_MS, type Timers, unrefTimer } from './abort.js';
import type { Entry } from './expiry.js';
import { backoffDelay } from './retry.js';

/** Floor of a keepFresh delay and of the pause after a failed refresh. */
const MIN_DELAY_MS = 1_000;
/** The backoff after consecutive failed refreshes: from 1 s, at most 60 s. */
const PAUSE = { baseDelayMs: MIN_DELAY_MS, maxDelayMs: 60_000 };

/** The vault's view of its own refresh timing. */
export interface Scheduler {
  /** Whether a background (soft-window) refresh may start now: not while backing off. */
  mayRefreshInBackground(): boolean;
  /**
   * A token was adopted, or forgotten or the vault closed (`undefined`): reset the backoff and
   * re-arm (or clear) the timer.
   */
  reset(entry: Entry | undefined): void;
  /** A refresh failed while holding `entry`: back off, at most half the remaining validity. */
  failed(entry: Entry | undefined): void;
}

/**
 * Create the scheduler of one vault; `fire` starts a timer-driven refresh. The timer is
 * `unref()`ed: it never keeps a process alive.
 *
 * @example
 * ```ts
 * declare function startRefresh(reason: 'keep-fresh'): void;
 * const scheduler = createScheduler(options, () => startRefresh('keep-fresh'));
 * ```
 */
export function createScheduler(
  { keepFresh, now, timers }: { keepFresh: boolean; now: () => number; timers: Timers },
  fire: () => void,
): Scheduler {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let failures = 0;
  let pausedUntil = -Infinity;

  function arm(entry: Entry | undefined): void {
    timers.clearTimeout(timer);
    if (!keepFresh || !entry || entry.softAt === Infinity) return;
    const { softAt, hardAt } = entry;
    let at = pausedUntil;
    if (failures === 0) {
      // A token fresh from the source yet already inside the margin: refresh on demand, never in a loop.
      if (hardAt <= now()) return;
      // Jitter inside the first quarter of the soft window (none if the token never expires).
      at = softAt + (hardAt < Infinity ? Math.random() * (hardAt - softAt) * 0.25 : 0);
    }
    const delay = Math.max(MIN_DELAY_MS, at - now());
    // A timer cannot wait longer than MAX_TIMER_MS: wait in steps.
    timer = unrefTimer(delay > MAX_TIMER_MS ? () => arm(entry) : fire, delay, timers);
  }

  return {
    mayRefreshInBackground: () => now() >= pausedUntil,
    reset(entry) {
      failures = 0;
      pausedUntil = -Infinity;
      arm(entry);
    },
    failed(entry) {
      failures += 1;
      const time = now();
      const hardAt = entry?.hardAt ?? Infinity;
      let delay = backoffDelay(PAUSE, failures);
      if (hardAt > time) delay = Math.min(delay, (hardAt - time) / 2);
      pausedUntil = time + Math.max(MIN_DELAY_MS, delay);
      arm(entry);
    },
  };
}
