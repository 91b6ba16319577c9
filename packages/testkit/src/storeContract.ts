/**
 * The contract every `TokenStore` must pass (memory, Redis with both clients, browser).
 * Runs on real time with short, bounded waits: no fake timers needed.
 */
import {
  createTokenVault,
  type FetchToken,
  type StoredToken,
  type TokenStore,
  type TokenVault,
} from '@tokvault/core';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

/** What a contract factory returns. */
export interface StoreContractSubject {
  /** The store under test. */
  store: TokenStore;
  /**
   * Optional: a second instance sharing the same backing (a second Redis connection, a second
   * tab). Lock, visibility and notification checks then run across the two instances.
   */
  peer?: () => Promise<TokenStore>;
  /** Release everything the factory made, peers included, and delete the keys it wrote. */
  cleanup?: () => Promise<void>;
}

/** Builds a fresh subject for each test. */
export type StoreContractFactory = () => Promise<StoreContractSubject>;

/** Bounded polling for stores whose effects arrive asynchronously (pub/sub, BroadcastChannel). */
const WAIT = { timeout: 5_000, interval: 2 } as const;

let keyCounter = 0;

function deferred<T = void>() {
  let resolve!: (value: T) => void;
  let reject!: (reason: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

const tick = () => new Promise<void>((resolve) => setTimeout(resolve, 1));

function sample(overrides: Partial<StoredToken> = {}): StoredToken {
  const now = Date.now();
  return {
    accessToken: `contract-access-${Math.random().toString(36).slice(2)}`,
    tokenType: 'Bearer',
    expiresAt: now + 600_000,
    refreshAt: now + 300_000,
    refreshToken: `contract-refresh-${Math.random().toString(36).slice(2)}`,
    ...overrides,
  };
}

/** Stores keeping a TTL may round times to the second. */
function expectSameToken(actual: StoredToken | undefined, expected: StoredToken): void {
  expect(actual).toBeDefined();
  expect(actual?.accessToken).toBe(expected.accessToken);
  expect(actual?.tokenType).toBe(expected.tokenType);
  expect(actual?.refreshToken).toBe(expected.refreshToken);
  for (const field of ['expiresAt', 'refreshAt'] as const) {
    const want = expected[field];
    if (want === undefined) expect(actual?.[field]).toBeUndefined();
    else expect(Math.abs((actual?.[field] ?? Number.NaN) - want)).toBeLessThanOrEqual(1_000);
  }
}

async function put(store: TokenStore, key: string, token: StoredToken): Promise<void> {
  await store.withLock(key, (lock) => lock.set(token));
}

/**
 * Register the shared `TokenStore` contract suite (vitest). Every test gets a fresh subject
 * from `factory` and its own key; `cleanup` runs after each test.
 *
 * @example
 * ```ts
 * import { createMemoryStore } from '@tokvault/core';
 * import { describeTokenStoreContract } from '@tokvault/testkit';
 *
 * describeTokenStoreContract('memory', async () => {
 *   const store = createMemoryStore();
 *   return { store, peer: async () => store };
 * });
 * ```
 */
export function describeTokenStoreContract(name: string, factory: StoreContractFactory): void {
  describe(`TokenStore contract: ${name}`, () => {
    let subject: StoreContractSubject;
    let store: TokenStore;
    let other: TokenStore;
    let key: string;
    const vaults: TokenVault[] = [];

    beforeEach(async () => {
      subject = await factory();
      store = subject.store;
      other = subject.peer ? await subject.peer() : store;
      keyCounter += 1;
      key = `contract-${process.pid}-${Date.now().toString(36)}-${keyCounter}`;
    });

    afterEach(async () => {
      await Promise.all(vaults.splice(0).map((vault) => vault.close()));
      await subject.cleanup?.();
    });

    function vaultOn(target: TokenStore, fetchToken: FetchToken): TokenVault {
      const vault = createTokenVault({ name: key, fetchToken, store: target, retry: false });
      vaults.push(vault);
      return vault;
    }

    describe('cache', () => {
      it('get returns undefined for a key never written', async () => {
        expect(await store.get(key)).toBeUndefined();
      });

      it('lock.set then get round-trips every field, on the store and its peer', async () => {
        const token = sample();
        await put(store, key, token);
        expectSameToken(await store.get(key), token);
        expectSameToken(await other.get(key), token);
      });

      it('keeps a token without expiry, refresh hint or refresh token', async () => {
        const token = sample({ expiresAt: undefined, refreshAt: undefined, refreshToken: undefined });
        await put(store, key, token);
        expectSameToken(await other.get(key), token);
      });

      it('lock.set is visible to get inside the lock already', async () => {
        const token = sample();
        await store.withLock(key, async (lock) => {
          await lock.set(token);
          expectSameToken(await store.get(key), token);
          expectSameToken(await other.get(key), token);
        });
      });

      it('a later set replaces the earlier token', async () => {
        await put(store, key, sample());
        const second = sample();
        await put(other, key, second);
        expectSameToken(await store.get(key), second);
      });

      it('delete forgets the token for every sharer; deleting a missing key is fine', async () => {
        await put(store, key, sample());
        await other.delete(key);
        expect(await store.get(key)).toBeUndefined();
        expect(await other.get(key)).toBeUndefined();
        await expect(store.delete(key)).resolves.toBeUndefined();
      });

      it('keys are independent', async () => {
        const token = sample();
        await put(store, key, token);
        expect(await store.get(`${key}-other`)).toBeUndefined();
        await store.delete(`${key}-other`);
        expectSameToken(await store.get(key), token);
      });
    });

    describe('withLock', () => {
      it("returns the task's value and hands it a live lock signal", async () => {
        const result = await store.withLock(key, async (lock) => {
          expect(lock.signal.aborted).toBe(false);
          return 42;
        });
        expect(result).toBe(42);
      });

      it('excludes tasks across the store and its peer, and every waiter runs once (progress)', async () => {
        let active = 0;
        let maxActive = 0;
        const ran: number[] = [];
        const tasks = Array.from({ length: 12 }, (_, i) =>
          (i % 2 === 0 ? store : other).withLock(key, async () => {
            active += 1;
            maxActive = Math.max(maxActive, active);
            await tick();
            ran.push(i);
            active -= 1;
            return i;
          }),
        );
        expect(await Promise.all(tasks)).toEqual(Array.from({ length: 12 }, (_, i) => i));
        expect(maxActive).toBe(1);
        expect([...ran].sort((a, b) => a - b)).toEqual(Array.from({ length: 12 }, (_, i) => i));
      });

      it('a waiter queued behind a holder runs only after the holder releases', async () => {
        const release = deferred();
        const entered = deferred();
        const order: string[] = [];
        const holder = store.withLock(key, async () => {
          entered.resolve();
          await release.promise;
          order.push('holder');
        });
        await entered.promise;
        const waiter = other.withLock(key, async () => {
          order.push('waiter');
        });
        await tick();
        expect(order).toEqual([]);
        release.resolve();
        await Promise.all([holder, waiter]);
        expect(order).toEqual(['holder', 'waiter']);
      });

      it("a waiter's shortcut (optional for stores) ends its wait with the holder's token, or its task runs after the release: never both", async () => {
        const release = deferred();
        const entered = deferred();
        let held = true;
        const holder = store.withLock(key, async (lock) => {
          entered.resolve();
          await lock.set(sample({ accessToken: 'contract-shortcut-new' }));
          await release.promise;
          held = false;
        });
        await entered.promise;
        const task = vi.fn(async () => ({ held, via: 'task' }));
        const shortcut = vi.fn(async () => {
          const shared = await other.get(key);
          return shared?.accessToken === 'contract-shortcut-new' ? { held, via: 'shortcut' } : undefined;
        });
        const waiter = other.withLock(key, task, { shortcut });
        await tick();
        release.resolve();
        await holder;
        const result = await waiter;
        expect(result.via === 'task' && result.held).toBe(false); // a task never runs beside the holder
        expect(task).toHaveBeenCalledTimes(result.via === 'task' ? 1 : 0);
      });

      it('a shortcut that finds nothing, or fails, never keeps a free lock from its task', async () => {
        const none = vi.fn(async () => undefined);
        await expect(store.withLock(key, async () => 'ran', { shortcut: none })).resolves.toBe('ran');
        const failing = async () => {
          throw new Error('shortcut failed');
        };
        await expect(other.withLock(key, async () => 'ran too', { shortcut: failing })).resolves.toBe(
          'ran too',
        );
      });

      it('releases the lock when the task throws, and rejects with that error', async () => {
        const boom = new Error('task failed');
        await expect(
          store.withLock(key, async () => {
            throw boom;
          }),
        ).rejects.toBe(boom);
        await expect(other.withLock(key, async () => 'next')).resolves.toBe('next');
      });

      it('an aborted waiter rejects with the reason, never runs, and does not strand the holder', async () => {
        const release = deferred();
        const entered = deferred();
        const holder = store.withLock(key, async (lock) => {
          entered.resolve();
          await release.promise;
          await lock.set(sample({ accessToken: 'contract-holder-token' }));
          return 'holder';
        });
        await entered.promise;
        const controller = new AbortController();
        const reason = new Error('caller gave up');
        const task = vi.fn(async () => 'waiter');
        const waiter = other.withLock(key, task, { signal: controller.signal });
        const queued = other.withLock(key, async () => 'queued');
        controller.abort(reason);
        await expect(waiter).rejects.toBe(reason);
        release.resolve();
        await expect(holder).resolves.toBe('holder');
        await expect(queued).resolves.toBe('queued');
        await expect(store.withLock(key, async () => 'after')).resolves.toBe('after');
        expect(task).not.toHaveBeenCalled();
        expect((await store.get(key))?.accessToken).toBe('contract-holder-token');
      });

      it('an already-aborted signal rejects at once without running the task', async () => {
        const reason = new Error('already aborted');
        const task = vi.fn(async () => 'never');
        await expect(store.withLock(key, task, { signal: AbortSignal.abort(reason) })).rejects.toBe(reason);
        expect(task).not.toHaveBeenCalled();
        await expect(store.withLock(key, async () => 'free')).resolves.toBe('free');
      });

      it('a stale lock (its task settled) can no longer write', async () => {
        const fresh = sample();
        let stale: ((token: StoredToken) => Promise<void>) | undefined;
        await store.withLock(key, async (lock) => {
          stale = lock.set.bind(lock);
        });
        await put(other, key, fresh);
        await expect(stale?.(sample({ accessToken: 'contract-stale-token' }))).rejects.toThrow();
        expectSameToken(await store.get(key), fresh);
      });
    });

    describe('subscribe (where supported)', () => {
      it("notifies a peer's set and delete; unsubscribe stops notifications", async ({ skip }) => {
        const subscribe = store.subscribe?.bind(store);
        // Visible in the report: a store without `subscribe` has nothing to check here.
        if (!subscribe) return skip(`${name} has no subscribe: sharers learn of changes when they next read`);
        const token = sample();
        const seen: Array<StoredToken | undefined> = [];
        const unsubscribe = subscribe(key, (value) => seen.push(value));
        await put(other, key, token);
        await vi.waitFor(
          () => expect(seen.some((v) => v?.accessToken === token.accessToken)).toBe(true),
          WAIT,
        );
        expectSameToken(
          seen.find((v) => v?.accessToken === token.accessToken),
          token,
        );
        const count = seen.length;
        await other.delete(key);
        // The delete is the last news: a store may repeat the token first (the Redis store reads
        // the key once its SUBSCRIBE is ready, which can land after the peer's set).
        await vi.waitFor(() => {
          expect(seen.length).toBeGreaterThan(count);
          expect(seen.at(-1)).toBeUndefined();
        }, WAIT);

        unsubscribe();
        const later: Array<StoredToken | undefined> = [];
        const unsubscribeLater = subscribe(key, (value) => later.push(value));
        const ignored = seen.length;
        const third = sample();
        await put(other, key, third);
        await vi.waitFor(
          () => expect(later.some((v) => v?.accessToken === third.accessToken)).toBe(true),
          WAIT,
        );
        expect(seen.length).toBe(ignored);
        unsubscribeLater();
      });
    });

    describe('with vaults', () => {
      it('two vaults on two sharers make ONE fetchToken call for 50 concurrent getToken each', async () => {
        let calls = 0;
        const fetchToken = vi.fn<FetchToken>(async () => {
          calls += 1;
          await tick();
          return { accessToken: `contract-shared-${calls}`, expiresIn: 600 };
        });
        const a = vaultOn(store, fetchToken);
        const b = vaultOn(other, fetchToken);
        const tokens = await Promise.all(
          Array.from({ length: 100 }, (_, i) => (i % 2 === 0 ? a : b).getToken()),
        );
        expect(fetchToken).toHaveBeenCalledTimes(1);
        expect(new Set(tokens.map((t) => t.accessToken))).toEqual(new Set(['contract-shared-1']));
        expect((await store.get(key))?.accessToken).toBe('contract-shared-1');
      });

      it('invalidate on one vault clears the store, and the other vault where subscribe is supported', async () => {
        let n = 0;
        const fetchToken = vi.fn<FetchToken>(async () => ({
          accessToken: `contract-inv-${++n}`,
          expiresIn: 600,
        }));
        const a = vaultOn(store, fetchToken);
        const b = vaultOn(other, fetchToken);
        await a.getToken();
        expect((await b.getToken()).accessToken).toBe('contract-inv-1');
        const cleared = vi.fn();
        b.on('token:cleared', cleared);
        await a.invalidate();
        expect(await other.get(key)).toBeUndefined();
        if (other.subscribe) {
          await vi.waitFor(() => expect(b.peek()).toBeUndefined(), WAIT);
          expect(cleared).toHaveBeenCalledWith({ name: key, reason: 'store' });
          expect((await b.getToken()).accessToken).toBe('contract-inv-2');
          expect(fetchToken).toHaveBeenCalledTimes(2);
        } else {
          expect(b.peek()?.accessToken).toBe('contract-inv-1');
          expect(fetchToken).toHaveBeenCalledTimes(1);
        }
      });
    });
  });
}
