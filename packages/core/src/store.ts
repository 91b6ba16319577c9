/**
 * The `TokenStore` port: a shared token cache plus an exclusive lock, so that one refresh
 * serves every process or tab that shares the store. The default is {@link createMemoryStore}.
 */
import { abortable } from './abort.js';
import { TokVaultError } from './errors.js';

/**
 * The serialisable form of a token kept in a store. Times are epoch milliseconds on the
 * reading host's clock (stores that keep a TTL, such as Redis, convert on read).
 *
 * @example
 * ```ts
 * const stored: StoredToken = { accessToken: 'eyJ…', tokenType: 'Bearer', expiresAt: Date.now() + 3_600_000 };
 * ```
 */
export interface StoredToken {
  /** The access token. */
  accessToken: string;
  /** Header scheme, e.g. `Bearer`. */
  tokenType: string;
  /**
   * Epoch ms of expiry.
   * @default undefined (no known expiry)
   */
  expiresAt?: number | undefined;
  /**
   * Epoch ms of a server-hinted refresh time.
   * @default undefined
   */
  refreshAt?: number | undefined;
  /**
   * The refresh token, if any.
   * @default undefined
   */
  refreshToken?: string | undefined;
  /**
   * Epoch ms at which the token's request was sent. Lets every reader apply the same soft
   * window and hard margin as the writer; stores may drop it.
   * @default undefined (a reader measures the lifetime from when it read the token)
   */
  obtainedAt?: number | undefined;
}

/**
 * Handed to the task that runs under a store lock.
 *
 * @example
 * ```ts
 * declare function obtain(context: { signal: AbortSignal }): Promise<StoredToken>; // your token request
 * await store.withLock('api', async (lock) => {
 *   const token = await obtain({ signal: lock.signal });
 *   await lock.set(token);
 * });
 * ```
 */
export interface TokenStoreLock {
  /** Aborted if the lock is lost (for example its lease ran out); the task should stop. */
  readonly signal: AbortSignal;
  /**
   * Write the token, but only while this lock is still held: a stale lock holder can never
   * overwrite a newer token. Rejects if the lock was lost.
   */
  set(token: StoredToken): Promise<void>;
}

/**
 * Options of {@link TokenStore.withLock}.
 *
 * @example
 * ```ts
 * declare function task(lock: TokenStoreLock): Promise<void>;
 * await store.withLock('api', task, { signal: AbortSignal.timeout(5_000) });
 * ```
 */
export interface WithLockOptions<T = unknown> {
  /**
   * Aborts waiting for the lock: `withLock` rejects with `signal.reason` and the task never runs.
   * @default undefined (wait until the lock is free)
   */
  signal?: AbortSignal | undefined;
  /**
   * A result that makes the lock unnecessary, for waiters. While another sharer holds the lock, a
   * store may call it whenever the shared token may have changed (a write notification, the
   * lock's release, a poll); the first value other than `undefined` becomes `withLock`'s result
   * and the task never runs. So a fleet waiting on one refresh takes the new token as it lands
   * instead of taking the lock one by one. A rejection counts as `undefined`. Stores may ignore it.
   * @default undefined (every caller runs its task under the lock)
   * @example
   * ```ts
   * declare function refresh(lock: TokenStoreLock): Promise<StoredToken>;
   * declare const replaced: string; // the access token this refresh replaces
   * await store.withLock('api', refresh, {
   *   shortcut: async () => {
   *     const shared = await store.get('api');
   *     return shared && shared.accessToken !== replaced ? shared : undefined;
   *   },
   * });
   * ```
   */
  shortcut?: (() => Promise<T | undefined>) | undefined;
}

/**
 * A shared token cache with an exclusive per-key lock. Implementations: memory (default),
 * `@tokvault/redis` (a fleet of processes), `@tokvault/browser` (tabs). Every implementation
 * must pass the shared store contract suite.
 *
 * @example
 * ```ts
 * const vault = createTokenVault({ fetchToken, store: createMemoryStore() });
 * ```
 */
export interface TokenStore {
  /** Read the shared token, or `undefined`. */
  get(key: string): Promise<StoredToken | undefined>;
  /**
   * Run `task` while holding the exclusive lock for `key`; the vault re-reads the token inside
   * it before calling `fetchToken`. The lock is released when the task settles.
   */
  withLock<T>(
    key: string,
    task: (lock: TokenStoreLock) => Promise<T>,
    options?: WithLockOptions<T>,
  ): Promise<T>;
  /** Forget the shared token (logout). Other sharers are told through `subscribe`. */
  delete(key: string): Promise<void>;
  /**
   * Optional: be told when another sharer writes (`token`) or deletes (`undefined`) the token.
   * Returns an unsubscribe function. A store may also tell a vault of its own write (the memory
   * store does: its vaults share one instance); the vault ignores the token it last wrote.
   * @default undefined (sharers then learn of changes only when they next read the store)
   */
  subscribe?(key: string, listener: (token: StoredToken | undefined) => void): () => void;
}

/**
 * An in-process {@link TokenStore}: a map plus a FIFO lock per key. Share one instance
 * between vaults of one process to give them one token and one refresh.
 *
 * @example
 * ```ts
 * const store = createMemoryStore();
 * const a = createTokenVault({ fetchToken, store });
 * const b = createTokenVault({ fetchToken, store }); // shares a's token
 * ```
 */
export function createMemoryStore(): TokenStore {
  const tokens = new Map<string, StoredToken>();
  /** Per key, a promise that settles when the last lock holder or waiter is done: a FIFO queue. */
  const tails = new Map<string, Promise<unknown>>();
  const subscribers = new Set<[key: string, listener: (token: StoredToken | undefined) => void]>();
  const neverAborted = new AbortController().signal;

  const notify = (key: string, token: StoredToken | undefined) => {
    for (const [subscribed, listener] of subscribers) if (subscribed === key) listener(token && { ...token });
  };

  return {
    async get(key) {
      const token = tokens.get(key);
      return token && { ...token };
    },
    async delete(key) {
      tokens.delete(key);
      notify(key, undefined);
    },
    async withLock(key, task, { signal } = {}) {
      const previous = tails.get(key) ?? Promise.resolve();
      let release!: () => void;
      const released = new Promise<void>((resolve) => {
        release = resolve;
      });
      // The next caller waits for the previous holder AND this one (even if this one gives up waiting).
      const tail = previous.then(() => released);
      tails.set(key, tail);
      void tail.then(() => {
        if (tails.get(key) === tail) tails.delete(key);
      });
      let held = false;
      try {
        await abortable(previous, signal);
        held = true;
        return await task({
          signal: neverAborted,
          async set(token) {
            if (!held) throw new TokVaultError(`Memory store: the lock on "${key}" was already released`);
            tokens.set(key, { ...token });
            notify(key, token);
          },
        });
      } finally {
        held = false;
        release();
      }
    },
    subscribe(key, listener) {
      const subscriber: [string, typeof listener] = [key, listener];
      subscribers.add(subscriber);
      return () => {
        subscribers.delete(subscriber);
      };
    },
  };
}
