/**
 * The fallback lock for browsers without Web Locks (old browsers, and pages that are not a
 * secure context): a lease record in IndexedDB, taken by compare-and-set inside one readwrite
 * transaction (IndexedDB runs those one at a time across tabs), renewed while held, and
 * released with a BroadcastChannel wake-up. A tab that dies holding it blocks the others for at
 * most {@link LEASE_MS}; `lock.set` checks the lease in its own transaction, so a holder that
 * lost its lease can never overwrite a newer token.
 */
import type { TabChannel } from './channel.js';
import { boundedWait, type Exclusive, runHeld } from './exclusive.js';
import { type LazyDatabase, LEASES, type LeaseRecord, onResult, transact } from './idb.js';

/** How long a lease lasts without renewal. */
export const LEASE_MS = 5_000;
const RENEW_MS = 1_500;
const POLL_MS = 50;

type LeaseStep = (lease: LeaseRecord | undefined, now: number) => 'put' | 'delete' | 'keep';

async function updateLease(db: IDBDatabase, name: string, owner: string, step: LeaseStep): Promise<boolean> {
  let changed = false;
  await transact(db, [LEASES], 'readwrite', (tx) => {
    const leases = tx.objectStore(LEASES);
    onResult(leases.get(name), (value) => {
      const action = step(value as LeaseRecord | undefined, Date.now());
      if (action === 'put') leases.put({ owner, until: Date.now() + LEASE_MS } satisfies LeaseRecord, name);
      if (action === 'delete') leases.delete(name);
      changed = action !== 'keep';
    });
  });
  return changed;
}

const take: LeaseStep = (lease, now) => (lease && lease.until > now ? 'keep' : 'put');

/** Resolves on a "released" message for `name`, after a short poll, or rejects on abort. */
function nextChance(channel: TabChannel, name: string, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const done = () => {
      clearTimeout(timer);
      stop();
      signal.removeEventListener('abort', onAbort);
    };
    const onAbort = () => {
      done();
      reject(signal.reason);
    };
    const timer = setTimeout(
      () => {
        done();
        resolve();
      },
      POLL_MS + Math.random() * POLL_MS,
    );
    const stop = channel.listen((message) => {
      if (message.type === 'released' && message.lock === name) {
        done();
        resolve();
      }
    });
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
  });
}

/** An {@link Exclusive} backed by IndexedDB leases. */
export function leaseExclusive(database: LazyDatabase, channel: TabChannel): Exclusive {
  return async (name, task, { signal: caller, timeoutMs, key }) => {
    caller?.throwIfAborted();
    const owner = `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
    const mine: LeaseStep = (lease) => (lease?.owner === owner ? 'delete' : 'keep');
    const db = await database.open();
    const wait = boundedWait(key, timeoutMs, caller);
    try {
      while (!(await updateLease(db, name, owner, take))) await nextChance(channel, name, wait.signal);
      wait.signal.throwIfAborted();
    } catch (error) {
      await updateLease(db, name, owner, mine);
      throw wait.signal.aborted ? (caller?.aborted ? caller.reason : wait.signal.reason) : error;
    } finally {
      wait.dispose();
    }
    const lost = new AbortController();
    const renew = setInterval(() => {
      const extend: LeaseStep = (lease) => (lease?.owner === owner ? 'put' : 'keep');
      updateLease(db, name, owner, extend).then(
        (held) => held || lost.abort(new DOMException('The lock lease was lost', 'AbortError')),
        (error: unknown) => lost.abort(error),
      );
    }, RENEW_MS);
    (renew as { unref?: () => void }).unref?.();
    try {
      return await runHeld(task, caller, owner, lost.signal);
    } finally {
      clearInterval(renew);
      await updateLease(db, name, owner, mine).catch(() => undefined);
      channel.post({ type: 'released', lock: name });
    }
  };
}
