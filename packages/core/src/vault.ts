/**
 * The vault: a cached token, one coalesced refresh at a time, stale-401 detection, events.
 */
import { abortable, unrefTimer } from './abort.js';
import { RefreshTimeoutError, VaultClosedError } from './errors.js';
import { Emitter, type RefreshReason, type VaultEventType, type VaultListener } from './events.js';
import { type Entry, phaseOf } from './expiry.js';
import { fetchWithRetry, toRefreshError } from './fetchWithRetry.js';
import { resolveOptions, type TokenVaultOptions } from './options.js';
import { createScheduler } from './scheduler.js';
import type { StoredToken } from './store.js';
import { createToken, type Token } from './token.js';

/**
 * Options of {@link TokenVault.getToken}.
 *
 * @example
 * ```ts
 * const token = await vault.getToken({ signal: request.signal, minValidityMs: 30_000 });
 * ```
 */
export interface GetTokenOptions {
  /**
   * Detaches this caller only: it rejects at once with `signal.reason`; the shared refresh goes on.
   * @default undefined
   */
  signal?: AbortSignal | undefined;
  /**
   * Require at least this much validity (beyond the hard margin), else wait for a refresh.
   * @default 0
   */
  minValidityMs?: number | undefined;
}

/**
 * Options of {@link TokenVault.refresh}.
 *
 * @example
 * ```ts
 * // the request carried `sent` and got a 401:
 * const fresh = await vault.refresh({ staleToken: sent, signal: request.signal });
 * ```
 */
export interface RefreshOptions {
  /**
   * The token a rejected request carried (string or `Token`). If the vault already holds a
   * different token, that one is returned and no refresh happens.
   * @default undefined (always refresh, coalesced with any refresh in flight)
   */
  staleToken?: string | Token | undefined;
  /**
   * Detaches this caller only, as in `getToken`.
   * @default undefined
   */
  signal?: AbortSignal | undefined;
}

/**
 * A token vault: every caller gets a valid token; at most one refresh runs at a time.
 *
 * @example
 * ```ts
 * const token = await vault.getToken();
 * // after a 401 for `token`:
 * const fresh = await vault.refresh({ staleToken: token });
 * ```
 */
export interface TokenVault {
  /** The vault's name (events, errors, store key). */
  readonly name: string;
  /**
   * A valid token: the cached one (starting ONE background refresh inside the soft window), or
   * the result of the one refresh in flight. Rejects with `TokenRefreshError`,
   * `VaultClosedError`, or the caller's `signal.reason`.
   *
   * @example
   * ```ts
   * const { tokenType, accessToken } = await vault.getToken({ signal });
   * ```
   */
  getToken(options?: GetTokenOptions): Promise<Token>;
  /**
   * Force a refresh, coalesced with any refresh in flight. With `staleToken`, resolve the current
   * token instead if that one was already replaced (a late 401 never refreshes twice).
   *
   * @example
   * ```ts
   * if (response.status === 401) token = await vault.refresh({ staleToken: token });
   * ```
   */
  refresh(options?: RefreshOptions): Promise<Token>;
  /**
   * The cached token if it is still usable (outside the hard margin), without side effects.
   *
   * @example
   * ```ts
   * const header = vault.peek() ? `Bearer ${vault.peek()?.accessToken}` : undefined;
   * ```
   */
  peek(): Token | undefined;
  /**
   * Forget the token here and in the store (logout); other vaults sharing the store are told.
   * A refresh in flight still answers its waiters but is not cached.
   *
   * @example
   * ```ts
   * await vault.invalidate();
   * ```
   */
  invalidate(): Promise<void>;
  /**
   * Listen to an event; returns an unsubscribe function.
   *
   * @example
   * ```ts
   * const off = vault.on('refresh:error', ({ error }) => log.warn(error.message));
   * off();
   * ```
   */
  on<T extends VaultEventType>(type: T, listener: VaultListener<T>): () => void;
  /**
   * Reject pending callers with `VaultClosedError`, abort the refresh in flight (without waiting
   * for it), clear every timer, drop listeners. Idempotent.
   *
   * @example
   * ```ts
   * process.once('SIGTERM', () => void vault.close());
   * ```
   */
  close(): Promise<void>;
  /** Same as `close()`, for `await using vault = createTokenVault(...)`. */
  [Symbol.asyncDispose](): Promise<void>;
}

interface Obtained extends Entry {
  source: 'fetch' | 'store';
}

interface Flight {
  promise: Promise<Token>;
  controller: AbortController;
}

const noop = () => {};

function toStored({ token, obtainedAt }: Entry): StoredToken {
  const { accessToken, tokenType, expiresAt, refreshAt, refreshToken } = token;
  return { accessToken, tokenType, expiresAt, refreshAt, refreshToken, obtainedAt };
}

/** A token read from a store, timed from its writer's send time when known (and not in our future). */
function fromStored(stored: StoredToken, now: number): Entry {
  const { obtainedAt } = stored;
  return {
    token: createToken(stored),
    obtainedAt: typeof obtainedAt === 'number' && obtainedAt <= now ? obtainedAt : now,
  };
}

function staleString(stale: RefreshOptions['staleToken']): string | undefined {
  if (stale === undefined || typeof stale === 'string') return stale;
  if (typeof stale === 'object' && stale !== null && typeof stale.accessToken === 'string')
    return stale.accessToken;
  throw new TypeError('refresh: option "staleToken" must be an access-token string or a Token');
}

/**
 * Create a token vault.
 *
 * @example
 * ```ts
 * import { createTokenVault } from '@tokvault/core';
 *
 * const vault = createTokenVault({
 *   fetchToken: async ({ signal }) => {
 *     const res = await fetch('https://auth.example.com/token', { method: 'POST', signal });
 *     const body = await res.json();
 *     return { accessToken: body.access_token, expiresIn: body.expires_in };
 *   },
 * });
 * const { accessToken } = await vault.getToken();
 * ```
 */
export function createTokenVault(options: TokenVaultOptions): TokenVault {
  const o = resolveOptions(options);
  const { name, store } = o;
  const emitter = new Emitter();
  let entry: Entry | undefined;
  let flight: Flight | undefined;
  let epoch = 0;
  let closed = false;
  const scheduler = createScheduler({
    ...o,
    fire: () => {
      startRefresh('keep-fresh', entry?.token.accessToken).catch(noop);
    },
  });

  function adopt(next: Entry): void {
    entry = next;
    scheduler.adopted(entry);
  }

  async function obtain(
    reason: RefreshReason,
    avoid: string | undefined,
    signal: AbortSignal,
    startedEpoch: number,
  ): Promise<Obtained> {
    let previous = entry?.token;
    const deadline = o.now() + o.refreshTimeoutMs;
    const fetchFresh = async (fetchSignal: AbortSignal): Promise<Obtained> => ({
      ...(await fetchWithRetry(o, { reason, previous, signal: fetchSignal, deadline })),
      source: 'fetch',
    });
    if (!store) return fetchFresh(signal);
    const readShared = async (): Promise<Obtained | undefined> => {
      const stored = await store.get(name);
      if (!stored) return undefined;
      const shared = { ...fromStored(stored, o.now()), source: 'store' as const };
      // The freshest known token: another sharer may have rotated its refresh token.
      previous = shared.token;
      if (stored.accessToken === avoid) return undefined;
      return phaseOf(shared, o.now(), o) === 'expired' ? undefined : shared;
    };
    const cached = await readShared();
    if (cached) return cached;
    return store.withLock(
      name,
      async (lock) => {
        const again = await readShared();
        if (again) return again;
        const fetched = await fetchFresh(AbortSignal.any([signal, lock.signal]));
        if (epoch === startedEpoch && !signal.aborted) await lock.set(toStored(fetched));
        return fetched;
      },
      { signal },
    );
  }

  function startRefresh(reason: RefreshReason, avoid: string | undefined): Promise<Token> {
    if (flight) return flight.promise;
    const controller = new AbortController();
    const startedEpoch = epoch;
    const previous = entry?.token;
    const timer = unrefTimer(
      () => controller.abort(new RefreshTimeoutError(name, o.refreshTimeoutMs)),
      o.refreshTimeoutMs,
    );
    let resolve!: (token: Token) => void;
    let reject!: (error: unknown) => void;
    const promise = new Promise<Token>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    promise.catch(noop);
    // The flight exists before anything runs, so re-entrant calls (from listeners or from
    // fetchToken itself) join it instead of starting a second one.
    const current: Flight = { promise, controller };
    flight = current;
    const land = () => {
      clearTimeout(timer);
      if (flight === current) flight = undefined;
    };
    emitter.emit('refresh:start', { name, reason });
    abortable(obtain(reason, avoid, controller.signal, startedEpoch), controller.signal).then(
      (obtained) => {
        land();
        if (epoch === startedEpoch && !closed) adopt(obtained);
        const { tokenType, expiresAt } = obtained.token;
        emitter.emit('refresh:success', { name, reason, source: obtained.source, tokenType, expiresAt });
        resolve(obtained.token);
      },
      (error: unknown) => {
        land();
        const failure = toRefreshError(error, name, [previous?.accessToken, previous?.refreshToken]);
        if (!closed) {
          emitter.emit('refresh:error', { name, reason, error: failure });
          scheduler.failed(entry);
        }
        reject(failure);
      },
    );
    return promise;
  }

  function rejectIfUnusable(signal: AbortSignal | undefined): Promise<never> | undefined {
    if (closed) return Promise.reject(new VaultClosedError(name));
    if (signal?.aborted) return Promise.reject(signal.reason);
    return undefined;
  }

  function getToken(options: GetTokenOptions = {}): Promise<Token> {
    const { signal, minValidityMs = 0 } = options;
    if (typeof minValidityMs !== 'number' || !(minValidityMs >= 0)) {
      throw new TypeError('getToken: option "minValidityMs" must be a non-negative number of ms');
    }
    const unusable = rejectIfUnusable(signal);
    if (unusable) return unusable;
    const current = entry;
    if (current) {
      const phase = phaseOf(current, o.now(), o, minValidityMs);
      if (phase === 'fresh') return Promise.resolve(current.token);
      if (phase === 'soft') {
        if (scheduler.mayRefreshInBackground())
          startRefresh('background', current.token.accessToken).catch(noop);
        return Promise.resolve(current.token);
      }
    }
    return abortable(startRefresh(current ? 'expired' : 'initial', current?.token.accessToken), signal);
  }

  function onStoreChange(stored: StoredToken | undefined): void {
    if (closed) return;
    if (!stored) {
      if (!entry) return;
      entry = undefined;
      epoch += 1;
      scheduler.adopted(undefined);
      emitter.emit('token:cleared', { name, reason: 'store' });
    } else if (stored.accessToken !== entry?.token.accessToken) {
      adopt(fromStored(stored, o.now()));
    }
  }

  const unsubscribe = store?.subscribe?.(name, onStoreChange);

  async function close(): Promise<void> {
    if (closed) return;
    closed = true;
    scheduler.stop();
    unsubscribe?.();
    // The flight's own rejection handler clears its timeout timer.
    flight?.controller.abort(new VaultClosedError(name));
    flight = undefined;
    emitter.clear();
    entry = undefined;
  }

  return {
    name,
    getToken,
    refresh(options = {}) {
      const stale = staleString(options.staleToken);
      const unusable = rejectIfUnusable(options.signal);
      if (unusable) return unusable;
      if (stale !== undefined && entry && entry.token.accessToken !== stale) {
        return getToken({ signal: options.signal });
      }
      return abortable(startRefresh('forced', stale ?? entry?.token.accessToken), options.signal);
    },
    peek() {
      return entry && phaseOf(entry, o.now(), o) !== 'expired' ? entry.token : undefined;
    },
    async invalidate() {
      const unusable = rejectIfUnusable(undefined);
      if (unusable) return unusable;
      epoch += 1;
      const had = entry !== undefined;
      entry = undefined;
      scheduler.adopted(undefined);
      if (had || store) emitter.emit('token:cleared', { name, reason: 'invalidate' });
      if (store) await store.delete(name);
    },
    on(type, listener) {
      return emitter.on(type, listener);
    },
    close,
    [Symbol.asyncDispose]: close,
  };
}
