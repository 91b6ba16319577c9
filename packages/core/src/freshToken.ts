/**
 * The vault's hot path, for adapters: the cached token when `getToken()` would simply return it
 * (outside the soft window), so that an adapter can skip the call and what wraps it. Internal:
 * `@tokvault/core/adapter` exports {@link freshToken}; `createTokenVault` registers each vault.
 */
import type { Token } from './token.js';

const probes = new WeakMap<object, () => Token | undefined>();

/** Register the probe of `vault`, and return `vault`: `createTokenVault` does for every vault. */
export const registerFresh = <T extends object>(probe: () => Token | undefined, vault: T): T => {
  probes.set(vault, probe);
  return vault;
};

/**
 * `vault`'s cached token when `vault.getToken()` would resolve to it and start nothing (a fresh
 * token, before its soft window), else `undefined`: no token, the soft window (a background
 * refresh to start), or a vault this copy of core did not create.
 *
 * @example
 * ```ts
 * const token = freshToken(vault) ?? (await vault.getToken());
 * ```
 */
export const freshToken = (vault: object): Token | undefined => probes.get(vault)?.();
