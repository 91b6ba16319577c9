/**
 * Options of `createBrowserStore`, with their defaults and validation.
 */
import { checkOptions } from '@tokvault/core/adapter';

/**
 * Options of `createBrowserStore`.
 *
 * @example
 * ```ts
 * const store = createBrowserStore({ namespace: 'my-app', clearOnLastTabClose: true });
 * ```
 */
export interface BrowserStoreOptions {
  /**
   * Names the IndexedDB database, the BroadcastChannel and the Web Locks this store uses. Give
   * apps that share an origin different namespaces.
   * @default 'tokvault'
   * @example
   * ```ts
   * createBrowserStore({ namespace: 'admin-console' });
   * ```
   */
  namespace?: string;
  /**
   * How long a tab waits for the refresh lock before its refresh fails with a retryable
   * `TokenRefreshError` (code `lock_timeout`). The vault's `refreshTimeoutMs` also bounds the wait.
   * @default 10000
   * @example
   * ```ts
   * createBrowserStore({ lockTimeoutMs: 5_000 });
   * ```
   */
  lockTimeoutMs?: number;
  /**
   * Delete the stored copy when the last tab of the app closes (a reload keeps it). Needs Web
   * Locks; ignored without them. See the README for how the last tab is detected.
   * @default false
   * @example
   * ```ts
   * createBrowserStore({ clearOnLastTabClose: true });
   * ```
   */
  clearOnLastTabClose?: boolean;
  /**
   * The Web Locks manager. `null` forces the fallback lock (an IndexedDB lease plus
   * BroadcastChannel wake-ups), which is also used when Web Locks are missing (old browsers,
   * pages that are not a secure context).
   * @default globalThis.navigator?.locks
   * @example
   * ```ts
   * createBrowserStore({ locks: null }); // always use the fallback
   * ```
   */
  locks?: LockManager | null | undefined;
  /**
   * The IndexedDB factory holding the token copy.
   * @default globalThis.indexedDB
   * @example
   * <!-- snippet: fragment; needs the fake-indexeddb dev dependency of the tests -->
   * ```ts
   * import { indexedDB } from 'fake-indexeddb'; // tests in Node.js
   * createBrowserStore({ indexedDB });
   * ```
   */
  indexedDB?: IDBFactory | undefined;
}

/** Options with defaults applied. */
export interface ResolvedBrowserStoreOptions {
  namespace: string;
  lockTimeoutMs: number;
  clearOnLastTabClose: boolean;
  locks: LockManager | undefined;
  indexedDB: IDBFactory;
}

/**
 * Every option `createBrowserStore` accepts (typed against {@link BrowserStoreOptions}, so adding
 * an option without listing it here fails to compile): a misspelt one throws instead of being ignored.
 */
const KNOWN_OPTIONS = {
  namespace: true,
  lockTimeoutMs: true,
  clearOnLastTabClose: true,
  locks: true,
  indexedDB: true,
} satisfies Record<keyof BrowserStoreOptions, true>;

function fail(option: string, expected: string): never {
  throw new TypeError(`createBrowserStore: option "${option}" must be ${expected}`);
}

/** Apply defaults; throw a `TypeError` naming the first invalid option. */
export function resolveBrowserStoreOptions(options: BrowserStoreOptions): ResolvedBrowserStoreOptions {
  checkOptions('createBrowserStore', options, KNOWN_OPTIONS);
  const { namespace = 'tokvault', lockTimeoutMs = 10_000, clearOnLastTabClose = false } = options;
  if (typeof namespace !== 'string' || namespace === '') fail('namespace', 'a non-empty string');
  if (typeof lockTimeoutMs !== 'number' || !Number.isFinite(lockTimeoutMs) || lockTimeoutMs <= 0) {
    fail('lockTimeoutMs', 'a positive, finite number of ms');
  }
  if (typeof clearOnLastTabClose !== 'boolean') fail('clearOnLastTabClose', 'a boolean');
  const locks = options.locks === undefined ? globalThis.navigator?.locks : (options.locks ?? undefined);
  if (locks !== undefined && typeof locks?.request !== 'function') fail('locks', 'a LockManager or null');
  const indexedDB = options.indexedDB ?? globalThis.indexedDB;
  if (typeof indexedDB?.open !== 'function') {
    fail(
      'indexedDB',
      'an IDBFactory (IndexedDB is not available here; on a server, use createMemoryStore())',
    );
  }
  return { namespace, lockTimeoutMs, clearOnLastTabClose, locks, indexedDB };
}
