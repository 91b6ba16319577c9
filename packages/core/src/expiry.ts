/**
 * Expiry maths: when a token is fresh, inside the soft refresh window, or expired.
 *
 * Defaults scale with the token's lifetime so that 60-second and 24-hour tokens both work:
 * - hard margin (clock skew): `min(10 s, 10% of lifetime)`;
 * - soft window: `min(5 min, 25% of lifetime)` (or from the server's `refreshIn` hint).
 * A 60 s token is refreshed in the background from 45 s and counts as expired at 54 s;
 * a 24 h token from 23 h 55 min, expired 10 s before its end.
 */
import type { Token } from './token.js';

/**
 * Upper bound of the default hard expiry margin (`expiryMarginMs`): the margin is
 * `min(DEFAULT_MARGIN_MS, 10% of the token's lifetime)`.
 *
 * @example
 * ```ts
 * createTokenVault({ fetchToken, expiryMarginMs: DEFAULT_MARGIN_MS * 3 }); // more clock skew
 * ```
 */
export const DEFAULT_MARGIN_MS = 10_000;
/**
 * Upper bound of the default soft refresh window (`refreshWindowMs`): the window is
 * `min(DEFAULT_WINDOW_MS, 25% of the token's lifetime)`.
 *
 * @example
 * ```ts
 * createTokenVault({ fetchToken, refreshWindowMs: DEFAULT_WINDOW_MS * 2 });
 * ```
 */
export const DEFAULT_WINDOW_MS = 5 * 60_000;

/** Timing options resolved from the vault options. */
export interface ExpiryOptions {
  refreshWindowMs: number | undefined;
  expiryMarginMs: number | undefined;
}

/**
 * A cached token, the local time its request was sent, and the absolute times (epoch ms) at which
 * it enters its soft window and its hard margin.
 */
export interface Entry {
  token: Token;
  obtainedAt: number;
  softAt: number;
  hardAt: number;
}

/** The phase of a cached token at one instant. */
export type Phase = 'fresh' | 'soft' | 'expired';

/** Time an entry. A token without expiry is never expired (`Infinity`), though `refreshAt` may start its window. */
export function toEntry(token: Token, obtainedAt: number, options: ExpiryOptions): Entry {
  const expiresAt = token.expiresAt ?? Infinity;
  const lifetime = Math.max(0, expiresAt - obtainedAt);
  const margin = options.expiryMarginMs ?? Math.min(DEFAULT_MARGIN_MS, lifetime * 0.1);
  const window = options.refreshWindowMs ?? Math.min(DEFAULT_WINDOW_MS, lifetime * 0.25);
  const hardAt = expiresAt - margin;
  // A fresh token stays out of its soft window for at least half its usable life, so a window
  // (or a server's refreshIn) as long as the lifetime cannot turn into a refresh loop.
  const halfLife = hardAt === Infinity ? -Infinity : obtainedAt + (hardAt - obtainedAt) / 2;
  const softAt = Math.min(Math.max(token.refreshAt ?? expiresAt - window, halfLife), hardAt);
  return { token, obtainedAt, softAt, hardAt };
}

/**
 * Classify an entry. A clock that moved backwards (now before the token was obtained)
 * counts as expired; `minValidityMs` asks for that much validity beyond the margin.
 */
export function phaseOf(entry: Entry, now: number, minValidityMs = 0): Phase {
  if (now < entry.obtainedAt || now + minValidityMs >= entry.hardAt) return 'expired';
  return now >= entry.softAt ? 'soft' : 'fresh';
}
