/**
 * The vault: a cached token, one coalesced refresh at a time, stale-401 detection, events.
 */
import { abortable, unrefTimer } from './abort.js';
import { createCatchUp } from './catchUp.js';
import { checkOptions, type OptionRule } from './checkOptions.js';
import type { Dpop } from './dpopTypes.js';
import { RefreshTimeoutError, TokenRefreshError, VaultClosedError } from './errors.js';
import type { VaultEventType, VaultListener } from './events.js';
import { createEmitter, type RefreshReason } from './events.js';
import { type Entry, phaseOf, toEntry } from './expiry.js';
import { fetchWithRetry, toRefreshError } from './fetchWithRetry.js';
import { registerFresh } from './freshToken.js';
import { resolveOptions, type TokenVaultOptions } from './options.js';
import { createScheduler } from './scheduler.js';
import type { StoredToken, TokenStoreLock } from './store.js';
import {
  createToken,
  normalizeToken,
  type OAuthTokenResponse,
  type Token,
  type TokenResponse,
  tokenFault,
} from './token.js';

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
 * declare const sent: Token; // the token the request carried
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
  /** The `dpop` option (RFC 9449): adapters sign a proof with it for every `DPoP` token. */
  readonly dpop: Dpop | undefined;
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
   * Start a session with the tokens a login produced (access token, refresh token, expiry), in
   * one call: cached here and written to the store, so every tab or process sharing it has them.
   * Ends a session that had ended (see `'session:ended'`); a refresh in flight is not cached over
   * them. Throws a `TypeError` for a malformed token.
   *
   * @example
   * ```ts
   * const tokens = await exchangeAuthorizationCode({ issuer, clientId, redirectUri, callbackUrl, request });
   * await vault.setTokens(tokens);
   * ```
   */
  setTokens(tokens: TokenResponse | OAuthTokenResponse): Promise<Token>;
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

const noop = () => {};

const SIGNAL: OptionRule = [
  (value) =>
    typeof (value as AbortSignal | null)?.aborted === 'boolean' &&
    typeof (value as AbortSignal).addEventListener === 'function',
  'an AbortSignal',
];
const GET_TOKEN_OPTIONS: Record<keyof GetTokenOptions, OptionRule> = {
  signal: SIGNAL,
  minValidityMs: [(value) => typeof value === 'number' && value >= 0, 'a non-negative number of ms'],
};
const REFRESH_OPTIONS: Record<keyof RefreshOptions, OptionRule> = {
  staleToken: [
    (value) => typeof value === 'string' || typeof (value as Token | null)?.accessToken === 'string',
    'an access-token string or a Token',
  ],
  signal: SIGNAL,
};
/** What `setTokens` reads from a `TokenResponse` (a raw OAuth response, with `access_token`, is not checked for extra fields). */
const TOKEN_RESPONSE: Record<keyof TokenResponse, OptionRule> = {
  accessToken: true,
  expiresIn: true,
  expiresAt: true,
  tokenType: true,
  refreshToken: true,
  refreshIn: true,
  raw: true,
};

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
  const { name, store, now } = o;
  const emitter = createEmitter();
  let entry: Entry | undefined;
  /** The cached token as an already-resolved promise: the hot path allocates nothing. */
  let settled: Promise<Token> | undefined;
  /** The one refresh in flight, and what aborts it (timeout, `close()`). */
  let flight: Promise<Token> | undefined;
  let abortFlight: AbortController | undefined;
  /** Bumped when the token is forgotten: a refresh started before then is not cached. */
  let epoch = 0;
  let closed = false;
  /**
   * Set when `fetchToken` failed with `invalid_grant` (the refresh token was rejected): every
   * later call rejects with that error, with no token call, until `setTokens` or a new token
   * from the store. `accessToken` is the token that was being replaced.
   */
  let ended: { error: TokenRefreshError; accessToken: string | undefined } | undefined;
  const scheduler = createScheduler(o, () => {
    void startRefresh('keep-fresh');
  });
  /** The store missed a token from `fetchToken` (write or lock release failed): say so, secret-free. */
  const storeError = (error: unknown, operation: 'set' | 'release', token: StoredToken) =>
    emitter.emit('store:error', { name, operation, error: toRefreshError(error, name, createToken(token)) });
  /** Writes a token the store missed, later; set when the vault has a store. */
  const catchUp =
    store && createCatchUp(store, name, o.refreshTimeoutMs, (e, t) => storeError(e, 'set', t), o.timers);
  /** While a caller waits for the refresh in flight, it keeps the process alive (see `join`). */
  let hold: (() => () => void) | undefined;
  /** The access token this vault last wrote to the store: its echo is no news (see `subscribe`). */
  let written: string | undefined;
  const write = (lock: TokenStoreLock, stored: StoredToken) => {
    written = stored.accessToken;
    return lock.set(stored);
  };

  function adopt(next: Entry | undefined): void {
    entry = next;
    settled = next && Promise.resolve(next.token);
    scheduler.reset(next);
  }

  /** Forget the token; a refresh in flight still answers its waiters but is not cached. */
  function forget(reason: 'invalidate' | 'store', announce: boolean): void {
    epoch += 1;
    written = undefined;
    catchUp?.clear();
    adopt(undefined);
    if (announce) emitter.emit('token:cleared', { name, reason });
  }

  /**
   * A token read from a store, timed from its writer's send time when known (and not in our
   * future). One that cannot be sent in a header counts as no token: never adopted.
   */
  function fromStored(stored: StoredToken | undefined): Entry | undefined {
    if (!stored || tokenFault(stored)) return undefined;
    const time = now();
    return toEntry(createToken(stored), Math.min(stored.obtainedAt ?? time, time), o);
  }

  /**
   * Start the one refresh (or join the one in flight). `avoid` is the token being replaced: a
   * shared store holding it has nothing better to offer.
   */
  function startRefresh(reason: RefreshReason, avoid = entry?.token.accessToken): Promise<Token> {
    if (flight) return flight;
    const controller = new AbortController();
    const { signal } = controller;
    const startedEpoch = epoch;
    const replaced = entry?.token;
    let previous = replaced;
    let source: 'fetch' | 'store' = 'store';
    const deadline = now() + o.refreshTimeoutMs;
    // Unref'd: a refresh nobody waits for never keeps the process alive; `join` refs it.
    const timer = unrefTimer(
      () => controller.abort(new RefreshTimeoutError(name, o.refreshTimeoutMs)),
      o.refreshTimeoutMs,
      o.timers,
    );
    let waiting = 0;
    hold = () => {
      if (waiting++ === 0) (timer as { ref?: () => void }).ref?.();
      return () => {
        if (--waiting === 0) (timer as { unref?: () => void }).unref?.();
      };
    };

    const fetchFresh = (fetchSignal: AbortSignal): Promise<Entry> => {
      source = 'fetch';
      return fetchWithRetry(o, { reason, previous, signal: fetchSignal, deadline });
    };
    /** A usable token another sharer of the store wrote, if any. */
    const readShared = async (): Promise<Entry | undefined> => {
      const stored = await store?.get(name);
      // A token this vault replaced while the store was behind: its refresh token is spent.
      if (!stored || catchUp?.stale(stored.accessToken)) return undefined;
      const shared = fromStored(stored);
      if (!shared) return undefined;
      // The freshest known token: another sharer may have rotated its refresh token.
      previous = shared.token;
      return shared.token.accessToken !== avoid && phaseOf(shared, now()) !== 'expired' ? shared : undefined;
    };
    const obtain = async (): Promise<Entry> => {
      if (!store) return fetchFresh(signal);
      let fetched: Entry | undefined;
      try {
        return (
          (await readShared()) ??
          (await store.withLock(
            name,
            async (lock) => {
              const again = await readShared();
              if (again) return again;
              fetched = await fetchFresh(AbortSignal.any([signal, lock.signal]));
              if (epoch === startedEpoch && !signal.aborted) {
                const stored = { ...fetched.token, obtainedAt: fetched.obtainedAt };
                try {
                  await write(lock, stored);
                  catchUp?.clear();
                } catch (error) {
                  // The token (and its rotated refresh token) exists only here: keep it, serve it.
                  storeError(error, 'set', stored);
                  catchUp?.behind(stored, previous?.accessToken);
                }
              }
              return fetched;
            },
            // Waiting on another sharer's refresh: take its token as soon as it lands.
            { signal, shortcut: readShared },
          ))
        );
      } catch (error) {
        // The lock release failed after the token was obtained: the token is still good.
        if (!fetched) throw error;
        storeError(error, 'release', fetched.token);
        return fetched;
      }
    };

    let resolve!: (token: Token) => void;
    let reject!: (error: unknown) => void;
    const promise = new Promise<Token>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    // Marks the rejection handled: a failed background refresh is never an unhandled rejection.
    promise.catch(noop);
    // The flight exists before anything runs, so re-entrant calls (from listeners or from
    // fetchToken itself) join it instead of starting a second one.
    flight = promise;
    abortFlight = controller;
    const land = () => {
      o.timers.clearTimeout(timer);
      if (flight === promise) {
        flight = undefined;
        abortFlight = undefined;
        hold = undefined;
      }
    };
    emitter.emit('refresh:start', { name, reason });
    abortable(obtain(), signal).then(
      (obtained) => {
        land();
        if (epoch === startedEpoch && !closed) adopt(obtained);
        const { tokenType, expiresAt } = obtained.token;
        emitter.emit('refresh:success', { name, reason, source, tokenType, expiresAt });
        resolve(obtained.token);
      },
      (error: unknown) => {
        land();
        const failure = toRefreshError(error, name, replaced);
        if (!closed) {
          emitter.emit('refresh:error', { name, reason, error: failure });
          if (
            failure instanceof TokenRefreshError &&
            failure.code === 'invalid_grant' &&
            epoch === startedEpoch
          ) {
            ended = { error: failure, accessToken: previous?.accessToken };
            adopt(undefined);
            emitter.emit('session:ended', { name, error: failure });
          } else scheduler.failed(entry);
        }
        reject(failure);
      },
    );
    return promise;
  }

  /**
   * While the session has ended: a token another sharer of the store started a session with
   * (leaving the ended state), else the final error. Never calls `fetchToken`.
   */
  function afterSessionEnd(signal: AbortSignal | undefined): Promise<Token> {
    const current = ended!;
    if (!store) return Promise.reject(current.error);
    const read = store.get(name).then((stored) => {
      const shared = fromStored(stored);
      if (ended === current && shared && shared.token.accessToken !== current.accessToken) {
        ended = undefined;
        adopt(shared);
      }
      if (ended) throw ended.error;
      return getToken({ signal });
    });
    return abortable(read, signal);
  }

  /**
   * Wait for the refresh (starting it if none is in flight). While at least one caller waits,
   * the refresh keeps the process alive: a CLI awaiting its token does not exit mid-backoff.
   */
  function join(reason: RefreshReason, signal: AbortSignal | undefined, avoid?: string): Promise<Token> {
    const waiting = abortable(startRefresh(reason, avoid), signal);
    const release = hold?.();
    if (release) waiting.then(release, release);
    return waiting;
  }

  /** A rejection for a closed vault or an already-aborted caller. */
  function rejectIfUnusable(signal: AbortSignal | undefined): Promise<never> | undefined {
    if (closed) return Promise.reject(new VaultClosedError(name));
    if (signal?.aborted) return Promise.reject(signal.reason);
    return undefined;
  }

  function getToken(options?: GetTokenOptions): Promise<Token> {
    // Checked only when given (`getToken()` allocates nothing); the check allocates nothing either.
    if (options !== undefined) checkOptions('getToken', options, GET_TOKEN_OPTIONS);
    // Hot path: a fresh token, no extra validity asked for, caller not aborted.
    if (options?.minValidityMs === undefined && !options?.signal?.aborted && fresh()) return settled!;
    return getTokenSlow(options ?? {});
  }

  /** The cached token if it is before its soft window: `getToken()` returns it, starting nothing. */
  function fresh(): Token | undefined {
    const current = entry;
    if (!current) return undefined;
    const time = now();
    return time >= current.obtainedAt && time < current.softAt ? current.token : undefined;
  }

  function getTokenSlow({ signal, minValidityMs = 0 }: GetTokenOptions): Promise<Token> {
    const unusable = rejectIfUnusable(signal);
    if (unusable) return unusable;
    if (ended) return afterSessionEnd(signal);
    const current = entry;
    const phase = current && phaseOf(current, now(), minValidityMs);
    if (current && phase !== 'expired') {
      if (phase === 'soft' && scheduler.mayRefreshInBackground()) {
        void startRefresh('background');
      }
      return Promise.resolve(current.token);
    }
    return join(current ? 'expired' : 'initial', signal);
  }

  const unsubscribe = store?.subscribe?.(name, (stored) => {
    if (closed) return;
    const shared = fromStored(stored);
    if (!stored) {
      if (entry) forget('store', true);
    } else if (
      shared &&
      stored.accessToken !== written &&
      stored.accessToken !== entry?.token.accessToken &&
      stored.accessToken !== ended?.accessToken
    ) {
      ended = undefined;
      adopt(shared);
    }
  });

  async function close(): Promise<void> {
    if (closed) return;
    closed = true;
    adopt(undefined);
    catchUp?.clear();
    unsubscribe?.();
    // Rejects the flight's waiters now; its own rejection handler clears its timeout timer.
    abortFlight?.abort(new VaultClosedError(name));
    emitter.clear();
  }

  return registerFresh<TokenVault>(fresh, {
    name,
    dpop: o.dpop,
    getToken,
    refresh(options) {
      if (options !== undefined) checkOptions('refresh', options, REFRESH_OPTIONS);
      const { staleToken, signal } = options ?? {};
      const stale = typeof staleToken === 'string' ? staleToken : staleToken?.accessToken;
      const unusable = rejectIfUnusable(signal);
      if (unusable) return unusable;
      if (ended) return afterSessionEnd(signal);
      if (stale !== undefined && entry && entry.token.accessToken !== stale) return getToken({ signal });
      return join('forced', signal, stale);
    },
    peek() {
      return entry && phaseOf(entry, now()) !== 'expired' ? entry.token : undefined;
    },
    async invalidate(options?: unknown) {
      if (options !== undefined) checkOptions('invalidate', options, {});
      if (closed) throw new VaultClosedError(name);
      const had = entry !== undefined;
      const { revokeToken } = o;
      const token = entry?.token ?? (revokeToken && (await store?.get(name)));
      forget('invalidate', had || store !== undefined);
      await store?.delete(name);
      if (!revokeToken || !token) return;
      try {
        await revokeToken(createToken(token), { signal: AbortSignal.timeout(o.refreshTimeoutMs) });
      } catch (error) {
        emitter.emit('revoke:error', { name, error: toRefreshError(error, name, createToken(token)) });
      }
    },
    async setTokens(tokens) {
      if (typeof tokens === 'object' && tokens !== null && !('access_token' in tokens)) {
        checkOptions('setTokens', tokens, TOKEN_RESPONSE);
      }
      if (closed) throw new VaultClosedError(name);
      const sentAt = now();
      let token: Token;
      try {
        token = normalizeToken(tokens, sentAt, o.lifetimeMs, name);
      } catch (error) {
        throw new TypeError(`setTokens: ${(error as Error).message}`);
      }
      epoch += 1;
      ended = undefined;
      catchUp?.clear();
      adopt(toEntry(token, sentAt, o));
      await store?.withLock(name, (lock) => write(lock, { ...token, obtainedAt: sentAt }));
      return token;
    },
    on: emitter.on,
    close,
    [Symbol.asyncDispose]: close,
  });
}
