/**
 * `createRedisStore`: a `TokenStore` shared by every process that uses the same Redis.
 */
import { randomUUID } from 'node:crypto';
import {
  createMemoryStore,
  type StoredToken,
  type TokenStore,
  type TokenStoreLock,
  type WithLockOptions,
} from '@tokvault/core';
import { connectionOf, UnavailableError } from './client.js';
import type { RedisClientLike } from './clientShape.js';
import { createCodec } from './codec.js';
import { lockLost, storeClosed, unavailable } from './errors.js';
import { acquire, type Keys, type LockContext, release, watchdog } from './lock.js';
import { Notifier } from './notifier.js';
import { type RedisStoreOptions, resolveOptions } from './options.js';
import { READ, REMOVE, runScript, WRITE } from './scripts.js';
import { createSubscriptions } from './subscribe.js';

const WRITE_ATTEMPTS = 3;

/**
 * A {@link TokenStore} backed by Redis, plus `close()` for the connection the store opened.
 *
 * @example
 * ```ts
 * const store: RedisTokenStore = createRedisStore(client);
 * process.on('SIGTERM', () => void store.close());
 * ```
 */
export interface RedisTokenStore extends TokenStore {
  /**
   * Close the pub/sub connection the store opened and reject lock waiters. Never closes the
   * client you passed in. Later calls reject with a `TokenRefreshError` whose `code` is
   * `'store_closed'` (`STORE_CLOSED`). Idempotent. Not needed for the process to exit: the
   * pub/sub connection closes by itself once no vault uses the store (all closed).
   */
  close(): Promise<void>;
}

/**
 * Create a {@link TokenStore} that shares one token and one refresh per key across every process
 * using the same Redis. Pass a connected node-redis (`redis` v5/v6) or ioredis (v5/v6) client
 * that you own; the store opens one extra pub/sub connection with `client.duplicate()` (see
 * `pubSub`) and closes it in `close()`.
 *
 * @example
 * ```ts
 * import { createClient } from 'redis';
 * import { createTokenVault } from '@tokvault/core';
 * import { createRedisStore } from '@tokvault/redis';
 *
 * const client = await createClient({ url: process.env.REDIS_URL }).connect();
 * const store = createRedisStore(client, { policy: 'local-fallback' });
 * const vault = createTokenVault({ name: 'billing-api', fetchToken, store });
 * ```
 */
export function createRedisStore(client: RedisClientLike, options?: RedisStoreOptions): RedisTokenStore {
  const o = resolveOptions(options);
  const conn = connectionOf(client, o.commandTimeoutMs);
  const codec = createCodec(o.encryptionKey);
  const notifier = o.pubSub ? new Notifier(conn) : undefined;
  const ctx: LockContext = { conn, notifier, lockTtlMs: o.lockTtlMs, pollIntervalMs: o.pollIntervalMs };
  const local = createMemoryStore();
  const copies = new Map<string, StoredToken>();
  /** Per key, the raw value (or '' for none) this store last read: what a lock waiter knows. */
  const seen = new Map<string, string>();
  const closing = new AbortController();
  const failClosed = o.policy === 'fail-closed';
  const origin = randomUUID();
  const subscriptions = notifier && createSubscriptions(notifier, origin, (key) => read(key));

  const keysOf = (key: string): Keys => {
    if (typeof key !== 'string' || key === '')
      throw new TypeError('Redis token store: key must be a non-empty string');
    const tag = `{${o.prefix}:${key}}`;
    return { token: `${tag}:token`, lock: `${tag}:lock`, channel: `${tag}:events` };
  };
  const ensureOpen = () => {
    if (closing.signal.aborted) throw storeClosed();
  };
  const remember = (key: string, token: StoredToken | undefined) => {
    if (token) copies.set(key, { ...token });
    else copies.delete(key);
  };
  /** A token this store wrote (`behind`: not in Redis yet): keep a copy, tell this store's listeners. */
  const wrote = (key: string, token: StoredToken, behind = false) => {
    remember(key, token);
    subscriptions?.emit(key, token, behind);
  };
  const validCopy = (key: string) => {
    const copy = copies.get(key);
    return copy && (copy.expiresAt === undefined || copy.expiresAt > Date.now()) ? { ...copy } : undefined;
  };

  /** Read the token; `asked`: a caller's `get` (a lock attempt then compares with what it saw). */
  async function read(key: string, asked = false): Promise<StoredToken | undefined> {
    const keys = keysOf(key);
    const sentAt = Date.now();
    const reply = (await runScript(conn, READ, [keys.token], [])) as [unknown, unknown];
    const value = reply?.[0];
    const pttl = Number(reply?.[1]);
    if (asked) seen.set(key, value === null || value === undefined ? '' : String(value));
    const token =
      value === null || value === undefined
        ? undefined
        : await codec.decode(String(value), keys.token, pttl >= 0 ? sentAt + pttl : undefined);
    remember(key, token);
    return token && { ...token };
  }

  async function write(key: string, keys: Keys, owner: string, token: StoredToken, lost: AbortSignal) {
    const value = await codec.encode(token, keys.token);
    for (let attempt = 1; ; attempt++) {
      const ttl = token.expiresAt === undefined ? 0 : Math.max(1, Math.ceil(token.expiresAt - Date.now()));
      try {
        const args = [owner, value, String(ttl), keys.channel, origin];
        const reply = await runScript(conn, WRITE, [keys.lock, keys.token], args);
        if (Number(reply) !== 1) throw lockLost(keys.lock, 'another process holds it; token not written');
        return wrote(key, token);
      } catch (error) {
        if (!(error instanceof UnavailableError)) throw error;
        // The lock is still ours (the watchdog says so), and the write is idempotent: try again.
        if (attempt < WRITE_ATTEMPTS && !lost.aborted) continue;
        // Still failing: keep the token here (this process's vaults get it) and tell the vault
        // that Redis is behind, so that it writes the token later.
        wrote(key, token, true);
        throw unavailable('write', key, error, false);
      }
    }
  }

  async function withLock<T>(
    key: string,
    task: (lock: TokenStoreLock) => Promise<T>,
    options: WithLockOptions<T> = {},
  ): Promise<T> {
    const { signal } = options;
    if (signal?.aborted) throw signal.reason;
    ensureOpen();
    const keys = keysOf(key);
    let owner: string | undefined;
    // A waiter asks the caller's shortcut on each wake-up (the holder's write publishes one).
    let shortcut: T | undefined;
    const ask = options.shortcut;
    const unneeded =
      ask &&
      (async () => {
        try {
          shortcut = await ask();
        } catch {
          shortcut = undefined;
        }
        return shortcut !== undefined;
      });
    try {
      const waiting = signal ? AbortSignal.any([signal, closing.signal]) : closing.signal;
      owner = await acquire(ctx, keys, waiting, unneeded, () => seen.get(key));
      if (owner === undefined) return shortcut as T;
    } catch (error) {
      if (!(error instanceof UnavailableError)) throw signal?.aborted ? signal.reason : error;
      if (failClosed) throw unavailable('lock', key, error);
      // The token stays in this process; rejecting tells the vault Redis is behind (it writes later).
      const set = async (token: StoredToken) => {
        wrote(key, token, true);
        throw unavailable('write', key, error, false);
      };
      return local.withLock(key, (held) => task({ signal: held.signal, set }), { signal });
    }
    const controller = new AbortController();
    const stop = watchdog(ctx, keys, owner, controller, failClosed);
    let held = true;
    try {
      return await task({
        signal: controller.signal,
        set: async (token) => {
          if (!held) throw lockLost(keys.lock, 'already released; token not written');
          await write(key, keys, owner, token, controller.signal);
        },
      });
    } finally {
      held = false;
      stop();
      await release(ctx, keys, owner).catch(() => {});
    }
  }

  const store: RedisTokenStore = {
    async get(key) {
      ensureOpen();
      try {
        return await read(key, true);
      } catch (error) {
        if (!(error instanceof UnavailableError)) throw error;
        const copy = validCopy(key);
        if (copy || !failClosed) return copy;
        throw unavailable('read', key, error);
      }
    },
    withLock,
    async delete(key) {
      ensureOpen();
      const keys = keysOf(key);
      copies.delete(key);
      try {
        await runScript(conn, REMOVE, [keys.token], [keys.channel, origin]);
      } catch (error) {
        throw unavailable('delete', key, error, false);
      }
      subscriptions?.emit(key, undefined);
    },
    async close() {
      if (closing.signal.aborted) return;
      closing.abort(storeClosed());
      notifier?.close();
      conn.close();
      copies.clear();
      seen.clear();
    },
  };
  if (subscriptions) {
    store.subscribe = (key, listener) => subscriptions.subscribe(key, keysOf(key).channel, listener);
  }
  return store;
}
