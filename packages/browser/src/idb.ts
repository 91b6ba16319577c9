/**
 * A few promise helpers over IndexedDB. Writes resolve only once their transaction has
 * COMMITTED, so a copy written under a lock is visible to every tab before the lock is released.
 */
import type { StoredToken } from '@tokvault/core';

/** Object store of token records, keyed by vault name. */
export const TOKENS = 'tokens';
/** Object store of fallback lock leases, keyed by lock name. */
export const LEASES = 'leases';

/** What is kept per vault key: the token, and a generation bumped by every delete (logout). */
export interface TokenRecord {
  token?: StoredToken | undefined;
  generation: number;
}

/** A fallback lock lease: who holds it, and until when (epoch ms). */
export interface LeaseRecord {
  owner: string;
  until: number;
}

/** One database, opened on first use and again after the browser closed it (site data cleared). */
export interface LazyDatabase {
  open(): Promise<IDBDatabase>;
  /** The open connection, if any (for work that must start synchronously, as in `pagehide`). */
  current(): IDBDatabase | undefined;
  close(): void;
}

/** A {@link LazyDatabase} named `name` on `factory`. */
export function lazyDatabase(factory: IDBFactory, name: string): LazyDatabase {
  let opening: Promise<IDBDatabase> | undefined;
  let connection: IDBDatabase | undefined;
  const open = () => {
    opening ??= new Promise<IDBDatabase>((resolve, reject) => {
      const request = factory.open(name, 1);
      request.onupgradeneeded = () => {
        for (const store of [TOKENS, LEASES]) {
          if (!request.result.objectStoreNames.contains(store)) request.result.createObjectStore(store);
        }
      };
      request.onsuccess = () => {
        const db = request.result;
        const forget = () => {
          db.close();
          opening = undefined;
          connection = undefined;
        };
        connection = db;
        db.onversionchange = forget;
        db.onclose = forget;
        resolve(db);
      };
      request.onerror = () => {
        opening = undefined;
        reject(request.error);
      };
    });
    return opening;
  };
  return {
    open,
    current: () => connection,
    close() {
      opening?.then(
        (db) => db.close(),
        () => undefined,
      );
      opening = undefined;
      connection = undefined;
    },
  };
}

/**
 * Run `body` in one transaction; resolves after the transaction committed (rejects if it aborted).
 * `body` issues requests with callbacks, never `await`, so the transaction stays active.
 */
export function transact(
  db: IDBDatabase,
  stores: string[],
  mode: IDBTransactionMode,
  body: (tx: IDBTransaction) => void,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const tx = db.transaction(stores, mode);
    tx.oncomplete = () => resolve();
    tx.onabort = () => reject(tx.error ?? new DOMException('IndexedDB transaction aborted', 'AbortError'));
    body(tx);
  });
}

/** Call `next` with a request's result once it succeeds. */
export function onResult<T>(request: IDBRequest<T>, next: (value: T) => void): void {
  request.onsuccess = () => next(request.result);
}

function isStoredToken(value: unknown): value is StoredToken {
  const token = value as Partial<StoredToken> | undefined;
  return typeof token?.accessToken === 'string' && typeof token.tokenType === 'string';
}

/** Read a token record; anything malformed counts as "no token". */
export function toRecord(value: unknown): TokenRecord {
  const record = value as Partial<TokenRecord> | undefined;
  const generation = typeof record?.generation === 'number' ? record.generation : 0;
  return { token: isStoredToken(record?.token) ? { ...record.token } : undefined, generation };
}
