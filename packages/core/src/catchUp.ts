/**
 * A store that fell behind: `fetchToken` gave a token (maybe with a rotated refresh token) that
 * the shared store failed to take. The vault keeps and serves it; this writes it to the store
 * later, in the background, under the store's lock, unless the store meanwhile holds a newer one.
 */
import { type Timers, unrefTimer } from './abort.js';
import type { StoredToken, TokenStore } from './store.js';

/** Longest pause between two attempts to write a token the store missed. */
const MAX_PAUSE_MS = 60_000;

/** The catch-up of one vault's store. */
export interface CatchUp {
  /** The store missed `token`, which replaced `replaced`: write it later (backoff, unref'd timer). */
  behind(token: StoredToken, replaced: string | undefined): void;
  /** Whether the store's `accessToken` is one this vault replaced (or is catching up): never adopt it. */
  stale(accessToken: string): boolean;
  /** Nothing to catch up any more: the store took a newer token, or the token was forgotten. */
  clear(): void;
}

/**
 * Create the catch-up of `name` in `store`. An attempt writes only if the store holds nothing,
 * this token, or a token it replaced, so it never overwrites a token another sharer wrote
 * since. `onError` hears each failed attempt; attempts go on until one succeeds or `clear()`.
 */
export function createCatchUp(
  store: TokenStore,
  name: string,
  lockWaitMs: number,
  onError: (error: unknown, token: StoredToken) => void,
  timers: Timers,
): CatchUp {
  let pending: StoredToken | undefined;
  /** `pending`, and the access tokens it (and the pending tokens before it) replaced. */
  let replaced: Array<string | undefined> = [];
  let timer: ReturnType<typeof setTimeout> | undefined;
  let failures = 0;
  /** Aborted by `clear()`: an attempt waiting for the lock stops waiting. */
  let stop = new AbortController();

  const clear = () => {
    pending = undefined;
    replaced = [];
    failures = 0;
    timers.clearTimeout(timer);
    stop.abort();
    stop = new AbortController();
  };
  const attempt = (token: StoredToken) =>
    store
      .withLock(
        name,
        async (lock) => {
          const current = await store.get(name);
          if (token === pending && (!current || replaced.includes(current.accessToken)))
            await lock.set(token);
        },
        { signal: AbortSignal.any([stop.signal, AbortSignal.timeout(lockWaitMs)]) },
      )
      .then(
        () => token === pending && clear(),
        (error: unknown) => {
          if (token !== pending) return;
          onError(error, token);
          schedule(token);
        },
      );
  const schedule = (token: StoredToken) => {
    timer = unrefTimer(() => void attempt(token), Math.min(MAX_PAUSE_MS, 250 * 2 ** failures++), timers);
  };

  return {
    behind(token, previous) {
      timers.clearTimeout(timer);
      replaced.push(token.accessToken, previous);
      pending = token;
      schedule(token);
    },
    stale: (accessToken) => replaced.includes(accessToken),
    clear,
  };
}
