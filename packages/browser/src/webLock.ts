/**
 * The exclusive lock over the Web Locks API (`navigator.locks`): released by the browser the
 * moment the holding tab closes or crashes, queued fairly, and aborted waiters leave the queue.
 */
import { boundedWait, type Exclusive, runHeld } from './exclusive.js';

/** An {@link Exclusive} backed by `locks`. */
export function webLockExclusive(locks: LockManager): Exclusive {
  return async (name, task, { signal: caller, timeoutMs, key }) => {
    caller?.throwIfAborted();
    const wait = boundedWait(key, timeoutMs, caller);
    let granted = false;
    try {
      return await locks.request(name, { mode: 'exclusive', signal: wait.signal }, () => {
        granted = true;
        wait.dispose();
        return runHeld(task, caller);
      });
    } catch (error) {
      // A wait that ended rejects with the caller's reason, or the timeout error.
      if (!granted && wait.signal.aborted) throw caller?.aborted ? caller.reason : wait.signal.reason;
      throw error;
    } finally {
      wait.dispose();
    }
  };
}
