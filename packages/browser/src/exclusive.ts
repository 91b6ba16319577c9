/**
 * What both lock flavours (Web Locks, IndexedDB lease) share: a bounded wait that a caller can
 * abort, and a held lock that is released as soon as its caller gives up.
 */
import { abortable, TokenRefreshError } from '@tokvault/core';

/** A held exclusive lock, as the store's `lock.set` sees it. */
export interface HeldLock {
  /** Aborted when the lock is lost or released; `set` must then refuse to write. */
  readonly signal: AbortSignal;
  /** For leases: the owner id that `set` checks inside its write transaction. */
  readonly leaseOwner?: string | undefined;
}

/** Runs `task` under the exclusive lock `name`. */
export type Exclusive = <T>(
  name: string,
  task: (held: HeldLock) => Promise<T>,
  options: { signal?: AbortSignal | undefined; timeoutMs: number; key: string },
) => Promise<T>;

/** The error of a lock wait that ran out of time (names the vault key, nothing secret). */
export function lockTimeoutError(key: string, timeoutMs: number): TokenRefreshError {
  return new TokenRefreshError(
    `Gave up waiting ${timeoutMs} ms for the refresh lock of vault "${key}" (another tab holds it)`,
    { retryable: true, code: 'lock_timeout' },
  );
}

/** A wait bounded by `timeoutMs` and by the caller's signal; `dispose()` clears the timer. */
export function boundedWait(
  key: string,
  timeoutMs: number,
  caller: AbortSignal | undefined,
): { signal: AbortSignal; dispose(): void } {
  const timeout = new AbortController();
  const timer = setTimeout(() => timeout.abort(lockTimeoutError(key, timeoutMs)), timeoutMs);
  const signal = caller ? AbortSignal.any([caller, timeout.signal]) : timeout.signal;
  return { signal, dispose: () => clearTimeout(timer) };
}

/**
 * Run `task` for a lock just granted: not at all if the caller already gave up, and never
 * longer than the caller waits (a hung task cannot strand the other tabs). `held` is aborted
 * when this settles, so a late `set` is refused.
 */
export async function runHeld<T>(
  task: (held: HeldLock) => Promise<T>,
  caller: AbortSignal | undefined,
  leaseOwner?: string,
  lost?: AbortSignal,
): Promise<T> {
  const released = new AbortController();
  const signal = lost ? AbortSignal.any([released.signal, lost]) : released.signal;
  try {
    caller?.throwIfAborted();
    return await abortable(task({ signal, leaseOwner }), caller);
  } finally {
    released.abort(new DOMException('The lock was released', 'AbortError'));
  }
}
