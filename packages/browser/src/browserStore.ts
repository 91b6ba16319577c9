/**
 * `createBrowserStore`: the `TokenStore` for browser tabs. The token copy lives in IndexedDB,
 * refreshes run under an exclusive Web Lock per vault key, and BroadcastChannel tells the other
 * tabs to re-read the copy at once (new token or logout).
 */
import { abortable, type StoredToken, TokenRefreshError, type TokenStore } from '@tokvault/core';
import { openChannel } from './channel.js';
import { lazyDatabase } from './idb.js';
import { watchLastTab } from './lastTab.js';
import { leaseExclusive } from './leaseLock.js';
import { type BrowserStoreOptions, resolveBrowserStoreOptions } from './options.js';
import { copyToken, tokenRecords } from './records.js';
import { webLockExclusive } from './webLock.js';

type Listener = (token: StoredToken | undefined) => void;

const ignore = () => undefined;

/**
 * A {@link TokenStore} shared by the tabs of one origin.
 *
 * @example
 * ```ts
 * const store = createBrowserStore();
 * console.log(store.coordination); // 'web-locks' in secure contexts of current browsers
 * ```
 */
export interface BrowserTokenStore extends TokenStore {
  /** How tabs take turns refreshing: `web-locks`, or the `lease` fallback. */
  readonly coordination: 'web-locks' | 'lease';
  /** Be told when any tab (this one included) writes or deletes the token of `key`. */
  subscribe(key: string, listener: (token: StoredToken | undefined) => void): () => void;
  /** Stop listening to other tabs, leave the last-tab tracking, close the database. Idempotent. */
  close(): void;
  /** Same as `close()`, for `using`. */
  [Symbol.dispose](): void;
}

/**
 * Create a token store for browser tabs: one refresh across all tabs of the origin, a token
 * copy in IndexedDB, logouts and new tokens spread to every tab at once.
 *
 * @example
 * ```ts
 * import { createTokenVault } from '@tokvault/core';
 * import { createBrowserStore } from '@tokvault/browser';
 *
 * const vault = createTokenVault({ name: 'api', fetchToken, store: createBrowserStore() });
 * ```
 */
export function createBrowserStore(options: BrowserStoreOptions = {}): BrowserTokenStore {
  const { namespace, lockTimeoutMs, clearOnLastTabClose, locks, indexedDB } =
    resolveBrowserStoreOptions(options);
  const database = lazyDatabase(indexedDB, namespace);
  const channel = openChannel(namespace);
  const exclusive = locks ? webLockExclusive(locks) : leaseExclusive(database, channel);
  const lockName = (key: string) => `${namespace}:refresh:${key}`;
  const latest = new Map<string, StoredToken | undefined>();
  const subscribers = new Map<string, Set<Listener>>();
  let closed = false;

  const ensureOpen = () => {
    // A refresh's waiters see it: a refresh failure (not retryable: a closed store stays closed).
    if (closed) {
      throw new TokenRefreshError(`The browser token store "${namespace}" is closed`, {
        retryable: false,
        code: 'store_closed',
      });
    }
  };

  const { read, rewrite, write, clearAll } = tokenRecords(
    database,
    latest,
    (key) => channel.post({ type: 'changed', key }),
    lockName,
  );

  const presence =
    clearOnLastTabClose && locks
      ? watchLastTab(locks, channel, namespace, {
          snapshot: () =>
            Object.fromEntries(
              [...latest].filter((entry): entry is [string, StoredToken] => entry[1] !== undefined),
            ),
          clear: clearAll,
          restore: (stash) =>
            rewrite(Object.keys(stash), (record, key) => {
              const token = stash[key];
              return record.token || !token
                ? undefined
                : { token: copyToken(token), generation: record.generation };
            }),
        })
      : undefined;
  const ready = (signal?: AbortSignal) => abortable(presence?.ready() ?? Promise.resolve(), signal);

  const stopListening = channel.listen((message) => {
    if (message.type !== 'changed' || !(subscribers.has(message.key) || latest.has(message.key))) return;
    read(message.key).then(({ token }) => {
      for (const listener of [...(subscribers.get(message.key) ?? [])]) listener(token && copyToken(token));
    }, ignore);
  });

  const close = () => {
    if (closed) return;
    closed = true;
    presence?.stop(); // says bye on the channel: before closing it
    stopListening();
    channel.close();
    subscribers.clear();
    database.close();
  };

  return {
    coordination: locks ? 'web-locks' : 'lease',
    async get(key) {
      ensureOpen();
      await ready();
      return (await read(key)).token;
    },
    async withLock(key, task, { signal } = {}) {
      ensureOpen();
      await ready(signal);
      return exclusive(
        lockName(key),
        async (held) => {
          const { generation } = await read(key);
          return task({ signal: held.signal, set: (token) => write(key, token, generation, held) });
        },
        { signal, timeoutMs: lockTimeoutMs, key },
      );
    },
    async delete(key) {
      ensureOpen();
      await ready();
      await rewrite([key], (record) => ({ generation: record.generation + 1 }));
      latest.set(key, undefined);
    },
    subscribe(key, listener) {
      const set = subscribers.get(key) ?? new Set<Listener>();
      subscribers.set(key, set);
      set.add(listener);
      return () => {
        set.delete(listener);
        if (set.size === 0) subscribers.delete(key);
      };
    },
    close,
    [Symbol.dispose]: close,
  };
}
