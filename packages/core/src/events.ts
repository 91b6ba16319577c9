/**
 * Vault events. Payloads never carry a token or a refresh token.
 */
import { invalidOption } from './checkOptions.js';
import type { TokVaultError } from './errors.js';

/**
 * Why a refresh ran: the first token, an expired token (hard margin), the soft window,
 * `refresh()` (e.g. after a 401), or the `keepFresh` timer.
 *
 * @example
 * ```ts
 * vault.on('refresh:start', ({ reason }) => metrics.increment(`token.refresh.${reason}`));
 * ```
 */
export type RefreshReason = 'initial' | 'expired' | 'background' | 'forced' | 'keep-fresh';

/**
 * Event payloads by type.
 *
 * @example
 * ```ts
 * vault.on('refresh:error', ({ error }) => logger.warn(error.message));
 * ```
 */
export interface VaultEventMap {
  /** A refresh started (one per coalesced refresh, not one per caller). */
  'refresh:start': { name: string; reason: RefreshReason };
  /** A refresh produced a token: from `fetchToken`, or adopted from a shared store. */
  'refresh:success': {
    name: string;
    reason: RefreshReason;
    source: 'fetch' | 'store';
    tokenType: string;
    expiresAt: number | undefined;
  };
  /** A refresh failed; the error is what its waiters received. */
  'refresh:error': { name: string; reason: RefreshReason; error: TokVaultError };
  /** The token was forgotten: `invalidate()` here, or a delete by another sharer of the store. */
  'token:cleared': { name: string; reason: 'invalidate' | 'store' };
  /**
   * The refresh token was rejected (`invalid_grant`): the user must sign in again. Emitted once;
   * until `setTokens()` (or a new token from the store) every call rejects with `error` at once.
   */
  'session:ended': { name: string; error: TokVaultError };
  /** `invalidate()` could not revoke the tokens at the server (`revokeToken` failed); the local logout happened. */
  'revoke:error': { name: string; error: TokVaultError };
  /**
   * The shared store is behind: `fetchToken` gave a token but writing it to the store
   * (`operation: 'set'`) or releasing the store's lock (`'release'`) failed. The token was still
   * handed to the waiters and is kept here; a failed write is retried in the background (backoff,
   * up to a minute apart, each failure emitting this event again) until the store takes it, unless
   * another sharer wrote a newer token meanwhile. `error` carries no token.
   *
   * @example
   * ```ts
   * vault.on('store:error', ({ operation, error }) => log.warn(`token store ${operation}: ${error.message}`));
   * ```
   */
  'store:error': { name: string; operation: 'set' | 'release'; error: TokVaultError };
}

/**
 * An event type.
 *
 * @example
 * ```ts
 * const types: VaultEventType[] = ['refresh:start', 'refresh:success', 'refresh:error', 'token:cleared'];
 * ```
 */
export type VaultEventType = keyof VaultEventMap;

/**
 * A listener for one event type. A listener that throws is reported asynchronously (as an
 * uncaught error) and never breaks the vault.
 *
 * @example
 * ```ts
 * const onError: VaultListener<'refresh:error'> = ({ name, error }) => log.warn(name, error.message);
 * vault.on('refresh:error', onError);
 * ```
 */
export type VaultListener<T extends VaultEventType> = (event: VaultEventMap[T]) => void;

/** Every event type (typed: a missing or an extra one fails to compile). */
const EVENT_TYPES: Record<VaultEventType, true> = {
  'refresh:start': true,
  'refresh:success': true,
  'refresh:error': true,
  'token:cleared': true,
  'session:ended': true,
  'revoke:error': true,
  'store:error': true,
};

/** A minimal typed emitter. */
export interface Emitter {
  /** Add a listener; returns its unsubscribe function. */
  on<T extends VaultEventType>(type: T, listener: VaultListener<T>): () => void;
  /** Call the listeners of `type`; one that throws is reported asynchronously and never breaks the vault. */
  emit<T extends VaultEventType>(type: T, event: VaultEventMap[T]): void;
  /** Drop every listener. */
  clear(): void;
}

/** Create an {@link Emitter}. */
export function createEmitter(): Emitter {
  const listeners = new Map<VaultEventType, Set<(event: never) => void>>();
  return {
    on(type, listener) {
      // A misspelt type would never fire, a non-function would throw at the first event.
      if (!Object.hasOwn(EVENT_TYPES, type)) {
        throw new TypeError(
          `on: unknown event type "${String(type)}" (known: ${Object.keys(EVENT_TYPES).join(', ')})`,
        );
      }
      if (typeof listener !== 'function') invalidOption('on', 'listener', 'a function', listener);
      const set = listeners.get(type) ?? new Set();
      listeners.set(type, set);
      set.add(listener);
      return () => {
        set.delete(listener);
      };
    },
    emit(type, event) {
      for (const listener of [...(listeners.get(type) ?? [])]) {
        try {
          (listener as VaultListener<typeof type>)(event);
        } catch (error) {
          queueMicrotask(() => {
            throw error;
          });
        }
      }
    },
    clear: () => listeners.clear(),
  };
}
