/**
 * The token records in IndexedDB: reads, fenced writes under a lock, and rewrites (delete,
 * last-tab clear). Every committed change is announced through `onChange`.
 */
import { type StoredToken, TokenRefreshError } from '@tokvault/core';
import type { HeldLock } from './exclusive.js';
import {
  type LazyDatabase,
  LEASES,
  type LeaseRecord,
  onResult,
  TOKENS,
  type TokenRecord,
  toRecord,
  transact,
} from './idb.js';

/** A plain copy with only the stored fields. */
export const copyToken = ({
  accessToken,
  tokenType,
  expiresAt,
  refreshAt,
  refreshToken,
}: StoredToken): StoredToken => ({
  accessToken,
  tokenType,
  expiresAt,
  refreshAt,
  refreshToken,
});

/** Record operations over `database`; `latest` keeps the last copy seen per key. */
export function tokenRecords(
  database: LazyDatabase,
  latest: Map<string, StoredToken | undefined>,
  onChange: (key: string) => void,
  lockName: (key: string) => string,
) {
  async function read(key: string): Promise<TokenRecord> {
    let record = toRecord(undefined);
    await transact(await database.open(), [TOKENS], 'readonly', (tx) => {
      onResult(tx.objectStore(TOKENS).get(key), (value) => {
        record = toRecord(value);
      });
    });
    latest.set(key, record.token);
    return record;
  }

  /** Rewrite records in one transaction; `next` returns the new record or `undefined` to keep it. */
  async function rewrite(
    keys: string[],
    next: (record: TokenRecord, key: string) => TokenRecord | undefined,
  ) {
    const changed: string[] = [];
    await transact(await database.open(), [TOKENS], 'readwrite', (tx) => {
      const tokens = tx.objectStore(TOKENS);
      const visit = (key: string, value: unknown) => {
        const record = next(toRecord(value), key);
        if (record) tokens.put(record, key);
        if (record) changed.push(key);
      };
      for (const key of keys) onResult(tokens.get(key), (value) => visit(key, value));
    });
    for (const key of changed) onChange(key);
  }

  async function write(key: string, token: StoredToken, generation: number, held: HeldLock): Promise<void> {
    let refused: 'lost' | 'deleted' | undefined;
    const stores = held.leaseOwner ? [TOKENS, LEASES] : [TOKENS];
    await transact(await database.open(), stores, 'readwrite', (tx) => {
      const tokens = tx.objectStore(TOKENS);
      const put = () => {
        if (held.signal.aborted) refused = 'lost';
        else {
          onResult(tokens.get(key), (value) => {
            if (toRecord(value).generation !== generation) refused = 'deleted';
            else tokens.put({ token: copyToken(token), generation } satisfies TokenRecord, key);
          });
        }
      };
      if (!held.leaseOwner) put();
      else {
        onResult(tx.objectStore(LEASES).get(lockName(key)), (lease) => {
          if ((lease as LeaseRecord | undefined)?.owner === held.leaseOwner) put();
          else refused = 'lost';
        });
      }
    });
    if (refused === 'lost') {
      throw new TokenRefreshError(
        `The refresh lock of vault "${key}" was lost; the new token was not stored`,
        {
          retryable: true,
          code: 'lock_lost',
        },
      );
    }
    if (refused === 'deleted') {
      throw new TokenRefreshError(
        `Vault "${key}" was signed out (its stored token deleted) while this refresh ran; the new token was not stored`,
        { retryable: false, code: 'token_deleted' },
      );
    }
    latest.set(key, copyToken(token));
    onChange(key);
  }

  /**
   * Delete every record. Starts its transaction synchronously when the database is open, so
   * it commits even when called from `pagehide` of a closing tab.
   */
  function clearAll(): Promise<void> {
    const run = async (db: IDBDatabase) => {
      await transact(db, [TOKENS], 'readwrite', (tx) => tx.objectStore(TOKENS).clear());
      for (const key of [...latest.keys()]) {
        latest.set(key, undefined);
        onChange(key);
      }
    };
    const db = database.current();
    return db ? run(db) : database.open().then(run);
  }

  return { read, rewrite, write, clearAll };
}
